import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyStorage
import Testing

/// Search, tags, neighbours, related posts and feeds behave the same in every store.
@Suite struct DiscoveryContractTests {
    static let now = StoreContractTests.t0

    /// A small blog: three public posts, a draft and a scheduled post, all about Swift.
    func seed(_ store: some Store) async throws {
        let writer = PostWriter(store: store, clock: { Self.now })
        let posts: [(String, String, String, [String], Double, PostStatus)] = [
            ("concurrency", "Structured concurrency", "Task groups and async let make concurrent code readable. Cancellation flows down the tree.", ["Swift", "Concurrency"], 3, .published),
            ("generics", "Generics in practice", "Protocols with associated types, opaque results and the concurrency story of generic code.", ["Swift"], 2, .published),
            ("crème", "Crème brûlée for programmers", "A dessert post: caramel, custard and patience. Nothing about Swift here.", ["Cooking"], 1, .published),
            ("secret", "Secret concurrency draft", "Unfinished thoughts about concurrency and actors.", ["Swift", "Concurrency"], 1, .draft),
            ("future", "Future concurrency post", "Scheduled: concurrency in the next release.", ["Swift", "Concurrency"], -1, .published),
        ]
        for (slug, title, body, tags, daysAgo, status) in posts {
            try await writer.save(PostDraft(
                slug: Slug(deriving: slug), title: title, source: body, tags: .named(tags), status: status,
                publishedAt: Self.now.addingTimeInterval(-daysAgo * 86_400)
            ))
        }
    }

    /// Saves a post titled by its slug, published (or drafted) `daysAgo` days before `now`.
    func save(
        _ slug: String, tags: [String] = [], daysAgo: Double, status: PostStatus = .published, in store: some Store
    ) async throws -> Post {
        try await PostWriter(store: store, clock: { Self.now }).save(PostDraft(
            slug: Slug(slug), title: slug, source: "Text.", tags: .named(tags), status: status,
            publishedAt: Self.now.addingTimeInterval(-daysAgo * 86_400)
        )).post
    }

    func search(_ store: some Store, _ text: String) async throws -> [String] {
        try await store.search(SearchQuery(text), page: PageRequest(), at: Self.now).items.map(\.post.slug.rawValue)
    }

    @Test(arguments: StoreKind.allCases)
    func searchFindsPublicPostsByTitleTagAndBody(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            // Title match ranks above a body-only match; the draft and the future post never appear.
            #expect(try await search(store, "concurrency") == ["concurrency", "generics"])
            #expect(try await search(store, "cooking") == ["creme"])
            #expect(try await search(store, "custard patience") == ["creme"])
            #expect(try await search(store, "custard swift") == ["creme"])
            #expect(try await search(store, "nonexistentword") == [])
        }
    }

    /// The largest page numbers a query string can hold: an empty page with the right total, in
    /// every store, never an overflow in the store or its database.
    @Test(arguments: StoreKind.allCases)
    func aPageFarPastTheEndIsEmpty(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            for number in ["922337203685477582", "9223372036854775807"] {
                let request = try PageRequest(page: number, perPage: "100", defaultPerPage: 10)
                let posts = try await store.publishedPosts(request, tagged: nil, at: Self.now)
                #expect(posts.items.isEmpty)
                #expect(posts.total == 3)
                let tagged = try await store.publishedPosts(request, tagged: Slug("swift"), at: Self.now)
                #expect(tagged.items.isEmpty)
                #expect(tagged.total == 2)
                let hits = try await store.search(SearchQuery("concurrency"), page: request, at: Self.now)
                #expect(hits.items.isEmpty)
                #expect(hits.total == 2)
            }
        }
    }

    /// FTS5's `snippet()` took 83 s for a post repeating the searched word 80,000 times.
    @Test(.timeLimit(.minutes(1)), arguments: StoreKind.allCases)
    func aPostRepeatingTheSearchedWordIsSnippedInLinearTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await PostWriter(store: store, clock: { Self.now }).save(PostDraft(
                slug: Slug("repeats"), title: "Repeats", source: "Intro " + String(repeating: "x ", count: 80_000),
                status: .published, publishedAt: Self.now.addingTimeInterval(-60)
            ))
            let hits = try await store.search(SearchQuery("x"), page: PageRequest(), at: Self.now)
            let snippet = try #require(hits.items.first?.snippet)
            #expect(snippet.hasPrefix("Intro \(SearchHit.markStart)x\(SearchHit.markEnd) "))
            #expect(snippet.hasSuffix("…"))
            #expect(snippet.filter { $0 == SearchHit.markStart }.count == 23)
        }
    }

    /// The snippet's mark characters in a post's own text never reach the page as marks.
    @Test(arguments: StoreKind.allCases)
    func markCharactersInAPostAreNotMarks(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await PostWriter(store: store, clock: { Self.now }).save(PostDraft(
                slug: Slug("marks"), title: "Marks", source: "Odd \u{E001} bytes \u{E000}around the word needle here.",
                status: .published, publishedAt: Self.now.addingTimeInterval(-60)
            ))
            let snippet = try #require(try await store.search(SearchQuery("needle"), page: PageRequest(), at: Self.now).items.first?.snippet)
            #expect(snippet == "Odd  bytes around the word \(SearchHit.markStart)needle\(SearchHit.markEnd) here")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func phrasesPrefixesAndAccentsWork(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            #expect(try await search(store, "\"async let\"") == ["concurrency"])
            #expect(try await search(store, "\"let async\"") == [])
            #expect(try await search(store, "concur") == ["concurrency", "generics"])
            #expect(try await search(store, "\"concur\"") == [])
            #expect(try await search(store, "creme brulee") == ["creme"])
            #expect(try await search(store, "CRÈME") == ["creme"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oddInputIsSearchedLiterally(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            for odd in ["\"", "*", "AND (", "OR", "NEAR(", "title:swift", "🎉", "\"\"\"", "-", "^caramel", "caramel)"] {
                _ = try await search(store, odd)
            }
            #expect(try await search(store, "caramel)") == ["creme"])
            #expect(try await search(store, "(custard") == ["creme"])
            #expect(try await search(store, "🎉 caramel 🎉") == ["creme"])
            #expect(try await search(store, "*") == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func snippetsMarkTheMatchedWords(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            let hit = try #require(try await store.search(SearchQuery("cancellation"), page: PageRequest(), at: Self.now).items.first)
            #expect(hit.snippet.contains("\(SearchHit.markStart)Cancellation\(SearchHit.markEnd) flows"))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func searchResultsArePaged(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            let page = try await store.search(SearchQuery("concurrency"), page: PageRequest(page: 2, perPage: 1), at: Self.now)
            #expect(page.total == 2)
            #expect(page.items.map(\.post.slug.rawValue) == ["generics"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tagCountsOnlyCountPublicPosts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            // A tag only hidden posts carry is not listed at all.
            _ = try await save("hidden-draft", tags: ["Hidden"], daysAgo: 1, status: .draft, in: store)
            _ = try await save("hidden-scheduled", tags: ["Hidden"], daysAgo: -2, in: store)
            let tags = try await store.publicTags(at: Self.now)
            #expect(tags.map(\.tag.name) == ["Swift", "Concurrency", "Cooking"])
            #expect(tags.map(\.count) == [2, 1, 1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func neighboursSkipDraftsAndScheduledPosts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            let generics = try #require(try await store.post(slug: Slug("generics")))
            let around = try await store.adjacentPosts(to: generics, at: Self.now)
            #expect(around.newer?.slug.rawValue == "creme")
            #expect(around.older?.slug.rawValue == "concurrency")
            let newest = try #require(try await store.post(slug: Slug("creme")))
            #expect(try await store.adjacentPosts(to: newest, at: Self.now).newer == nil)
        }
    }

    /// Posts that went public at the same moment are neighbours in id order, as on the index
    /// page; drafts, scheduled posts and the trash are stepped over.
    @Test(arguments: StoreKind.allCases)
    func neighboursOfPostsPublishedTogetherFollowTheirIDs(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let oldest = try await save("oldest", daysAgo: 9, in: store)
            _ = try await save("draft", daysAgo: 5, status: .draft, in: store)
            let first = try await save("first", daysAgo: 5, in: store)
            let trashed = try await save("trashed", daysAgo: 5, in: store)
            try await store.setTrashed(postID: trashed.id, true, at: Self.now)
            let second = try await save("second", daysAgo: 5, in: store)
            let third = try await save("third", daysAgo: 5, in: store)
            _ = try await save("scheduled", daysAgo: -1, in: store)
            let newest = try await save("newest", daysAgo: 1, in: store)

            func neighbours(_ post: Post) async throws -> [String?] {
                let around = try await store.adjacentPosts(to: post, at: Self.now)
                return [around.newer?.slug.rawValue, around.older?.slug.rawValue]
            }
            #expect(try await neighbours(newest) == [nil, "third"])
            #expect(try await neighbours(third) == ["newest", "second"])
            #expect(try await neighbours(second) == ["third", "first"])
            #expect(try await neighbours(first) == ["second", "oldest"])
            #expect(try await neighbours(oldest) == ["first", nil])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func relatedPostsShareTagsAndArePublic(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            let concurrency = try #require(try await store.post(slug: Slug("concurrency")))
            #expect(try await store.relatedPosts(to: concurrency, limit: 3, at: Self.now).map(\.slug.rawValue) == ["generics"])
            let creme = try #require(try await store.post(slug: Slug("creme")))
            #expect(try await store.relatedPosts(to: creme, limit: 3, at: Self.now).isEmpty)
        }
    }

    /// Most shared tags first, then newest (the later id when two went public at the same moment);
    /// never the post itself, a draft, a scheduled post or one in the trash.
    @Test(arguments: StoreKind.allCases)
    func relatedPostsRankBySharedTagsThenRecency(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let subject = try await save("subject", tags: ["a", "b", "c"], daysAgo: 3, in: store)
            _ = try await save("all-three-old", tags: ["a", "b", "c"], daysAgo: 10, in: store)
            _ = try await save("two", tags: ["b", "a"], daysAgo: 5, in: store)
            _ = try await save("one-newest", tags: ["a"], daysAgo: 1, in: store)
            _ = try await save("one-earlier-id", tags: ["c"], daysAgo: 2, in: store)
            _ = try await save("one-later-id", tags: ["c", "z"], daysAgo: 2, in: store)
            _ = try await save("draft", tags: ["a", "b", "c"], daysAgo: 1, status: .draft, in: store)
            _ = try await save("scheduled", tags: ["a", "b", "c"], daysAgo: -1, in: store)
            let trashed = try await save("trashed", tags: ["a", "b", "c"], daysAgo: 1, in: store)
            try await store.setTrashed(postID: trashed.id, true, at: Self.now)
            _ = try await save("unrelated", tags: ["z"], daysAgo: 1, in: store)

            func related(_ limit: Int) async throws -> [String] {
                try await store.relatedPosts(to: subject, limit: limit, at: Self.now).map(\.slug.rawValue)
            }
            #expect(try await related(10) == ["all-three-old", "two", "one-newest", "one-later-id", "one-earlier-id"])
            #expect(try await related(3) == ["all-three-old", "two", "one-newest"])
            #expect(try await related(1) == ["all-three-old"])
            // The scheduled post counts once its moment has come.
            let later = try await store.relatedPosts(to: subject, limit: 1, at: Self.now.addingTimeInterval(2 * 86_400))
            #expect(later.map(\.slug.rawValue) == ["scheduled"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func latestPostsFeedFullContentNewestFirst(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await seed(store)
            let latest = try await store.latestPosts(limit: 10, tagged: nil, at: Self.now)
            #expect(latest.map(\.slug.rawValue) == ["creme", "generics", "concurrency"])
            #expect(latest.first?.rendered.html.contains("<p>A dessert post") == true)
            #expect(try await store.latestPosts(limit: 1, tagged: nil, at: Self.now).count == 1)
            #expect(try await store.latestPosts(limit: 10, tagged: Slug("concurrency"), at: Self.now).map(\.slug.rawValue) == ["concurrency"])
        }
    }
}
