import Foundation

/// The addresses a static site served a post at, by its engine's rules: the permalink (from the
/// site's patterns or the engine's default), the post's own `url`/`permalink`/`path`, and its
/// `aliases`/`redirect_from`. Each is a path under the site's base path.
struct OldAddresses {
    let layout: SiteLayout

    /// What one file tells about its address.
    struct Page {
        /// Relative to the content folder, e.g. `2024-05-17-x.md`, `posts/x/index.md`.
        var pathInFolder: String
        var folder: SiteLayout.ContentFolder
        var front: FrontMatter
        var title: String
        var date: Date
        /// The file name's slug part (after a Jekyll or Zola date prefix), or a bundle's folder name.
        var fileSlug: String
    }

    /// The page's own address first, then its aliases; empty for a plain folder.
    func addresses(of page: Page) -> [String] {
        guard layout.engine != .plain else { return page.front.aliases.map { absolute($0, relativeTo: "") } }
        var result: [String] = []
        let own: String? = switch layout.engine {
        case .jekyll: jekyll(page)
        case .hugo: hugo(page)
        case .zola: zola(page)
        // An export's post lives where it did: its address is the post's own, its aliases all it had.
        case .plain, .galley, .ghost, .wordpress: nil
        }
        if let own { result.append(own) }
        let sectionDirectory = Self.directories(of: page.pathInFolder).joined(separator: "/")
        for alias in page.front.aliases {
            // Hugo's relative aliases are relative to the page's section; Zola's and Jekyll's to the root.
            result.append(absolute(alias, relativeTo: layout.engine == .hugo ? sectionDirectory : ""))
        }
        return result
    }

    private func absolute(_ path: String, relativeTo directory: String) -> String {
        if path.contains("://") { return path }
        let joined = path.hasPrefix("/") ? path : "/" + (directory.isEmpty ? "" : directory + "/") + path
        return layout.basePath + joined
    }

    // MARK: Jekyll

    /// `value` in decimal, zeros before it to `width` digits: what `String(format:)` does,
    /// without going through Foundation's formatter for every post of an import.
    static func digits(_ value: Int?, _ width: Int) -> String {
        let text = String(value ?? 0)
        return text.count < width ? String(repeating: "0", count: width - text.count) + text : text
    }

    private func jekyll(_ page: Page) -> String {
        // A post's own permalink may be a pattern too (front matter defaults give one).
        let pattern = page.front.address.map(SiteLayout.jekyllPermalinkStyle)
            ?? layout.permalinks[page.folder.collection] ?? SiteLayout.jekyllPermalinkStyle("date")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = layout.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday, .dayOfYear, .weekOfYear], from: page.date)
        let name = URL(fileURLWithPath: page.pathInFolder).deletingPathExtension()
        let categories = page.front.categories.map { $0.lowercased() }
        let values: [String: String] = [
            "year": Self.digits(parts.year, 4), "short_year": Self.digits((parts.year ?? 0) % 100, 2),
            "month": Self.digits(parts.month, 2), "i_month": String(parts.month ?? 0),
            "day": Self.digits(parts.day, 2), "i_day": String(parts.day ?? 0),
            "hour": Self.digits(parts.hour, 2), "minute": Self.digits(parts.minute, 2),
            "second": Self.digits(parts.second, 2), "y_day": Self.digits(parts.dayOfYear, 3),
            "title": Self.jekyllSlug(page.front.slug ?? page.fileSlug, cased: true),
            "slug": Self.jekyllSlug(page.front.slug ?? page.fileSlug, cased: false),
            "name": Self.jekyllSlug(name.lastPathComponent, cased: false),
            "categories": categories.joined(separator: "/"),
            "collection": page.folder.collection,
            "path": name.relativePath.hasPrefix("/") ? String(name.relativePath.dropFirst()) : name.relativePath,
            "output_ext": ".html",
            "week": Self.digits(parts.weekOfYear, 2),
            "short_day": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][((parts.weekday ?? 1) - 1) % 7],
        ]
        let path = Self.collapsingSlashes(Self.expand(pattern, values))
        return layout.basePath + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Jekyll's `slugify` in its `pretty` mode (what `:title` uses), keeping case or not.
    static func jekyllSlug(_ text: String, cased: Bool) -> String {
        let kept = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._~!$&'()+,;=@"))
        var slug = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            if kept.contains(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return cased ? slug : slug.lowercased()
    }

    // MARK: Hugo

    private func hugo(_ page: Page) -> String {
        if let url = page.front.address {
            return absolute(url, relativeTo: "")
        }
        let directories = Self.directories(of: page.pathInFolder)
        let section = directories.first ?? ""
        let slug = page.front.slug ?? page.fileSlug
        let ending = layout.uglyURLs ? ".html" : "/"
        guard let pattern = layout.permalinks[section] else {
            let path = "/" + (directories + [slug]).joined(separator: "/")
            return layout.basePath + urlize(path) + ending
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = layout.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: page.date)
        let monthName = calendar.monthSymbols[((parts.month ?? 1) - 1) % 12]
        let values: [String: String] = [
            "year": Self.digits(parts.year, 4), "month": Self.digits(parts.month, 2),
            "monthname": monthName, "day": Self.digits(parts.day, 2),
            "title": page.title, "slug": page.front.slug ?? page.title,
            "slugorfilename": slug, "slugorcontentbasename": slug,
            "filename": page.fileSlug, "contentbasename": page.fileSlug,
            "section": section, "sections": directories.joined(separator: "/"),
        ]
        var path = Self.expand(pattern, values)
        if !path.hasPrefix("/") { path = "/" + path }
        path = urlize(Self.collapsingSlashes(path))
        if layout.uglyURLs, path.hasSuffix("/") { path = String(path.dropLast()) + ".html" }
        return layout.basePath + path
    }

    /// Hugo's `urlize` for paths: spaces become hyphens, lowercased unless the site says not.
    private func urlize(_ path: String) -> String {
        let hyphenated = path.replacingOccurrences(of: " ", with: "-")
        return layout.lowercasePaths ? hyphenated.lowercased() : hyphenated
    }

    // MARK: Zola

    private func zola(_ page: Page) -> String {
        if let path = page.front.address {
            let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return layout.basePath + "/" + trimmed + (trimmed.hasSuffix(".html") || trimmed.hasSuffix(".xml") ? "" : "/")
        }
        let directories = Self.directories(of: page.pathInFolder)
        let slug = page.front.slug.map { Slug(deriving: $0).rawValue } ?? Slug(deriving: page.fileSlug).rawValue
        return layout.basePath + "/" + (directories + [slug]).joined(separator: "/") + "/"
    }

    // MARK: Helpers

    /// `:name` placeholders replaced by their values; unknown ones are left out.
    static func expand(_ pattern: String, _ values: [String: String]) -> String {
        var result = ""
        var index = pattern.startIndex
        while index < pattern.endIndex {
            guard pattern[index] == ":" else {
                result.append(pattern[index])
                index = pattern.index(after: index)
                continue
            }
            var end = pattern.index(after: index)
            while end < pattern.endIndex, pattern[end].isLetter || pattern[end] == "_" { end = pattern.index(after: end) }
            // The longest placeholder name that is known (`:title:output_ext`, `:i_month`).
            let name = String(pattern[pattern.index(after: index)..<end])
            if let value = values[name] {
                result += value
            } else if name.isEmpty {
                result.append(":")
            }
            index = end
        }
        return result
    }

    static func collapsingSlashes(_ path: String) -> String {
        var result = ""
        for character in path where !(character == "/" && result.last == "/") { result.append(character) }
        return result
    }

    /// The folders of a path inside a content folder, without a bundle's own folder.
    static func directories(of pathInFolder: String) -> [String] {
        var parts = pathInFolder.split(separator: "/").map(String.init)
        let file = parts.removeLast()
        if ["index.md", "index.markdown", "index.html"].contains(file), !parts.isEmpty { parts.removeLast() }
        return parts
    }
}
