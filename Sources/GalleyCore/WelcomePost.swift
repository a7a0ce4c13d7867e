import Foundation

/// The post a new blog starts with: what Galley is and how to make the blog your own. Published
/// once, when `galley serve` creates the database; deleting it later is the author's business.
public enum WelcomePost {
    public static func draft(at date: Date) -> PostDraft {
        PostDraft(
            // A fixed, valid literal.
            slug: Slug(deriving: "welcome-to-galley"),
            title: "Welcome to Galley",
            summary: "Your blog is running. Here is what Galley does with your Markdown, and how to bring in the posts you already have.",
            source: source,
            tags: .named(["Galley", "Getting started"]),
            status: .published,
            publishedAt: date
        )
    }

    static let source = #"""
        Galley is a blog engine for people who write about code. You write Markdown; Galley turns it
        into fast, accessible pages, once, when you save — never again on every page view. The whole
        blog lives in one SQLite file, `galley-data/galley.sqlite`, so a backup is one copy.

        ## What your Markdown becomes

        Everything in [CommonMark](https://commonmark.org) works, plus the GitHub extensions people
        expect: tables, ~~strikethrough~~, task lists, footnotes[^1] and bare links such as
        https://example.com. Every heading gets a stable anchor, so you can link to a section.

        | You write             | Readers get                                 |
        |-----------------------|---------------------------------------------|
        | `# A heading`         | an anchor link and an entry in the outline |
        | a fenced code block   | code highlighted on the server, 30 languages |
        | `- [x] a task`        | a checked box                             |
        | raw `<script>` tags   | nothing: raw HTML is left out, safely     |

        ## Bring your posts

        Posts written for Jekyll or Hugo import as they are, front matter and all. Importing the same
        files again updates those posts instead of duplicating them:

        ```sh
        galley import ~/old-blog/_posts ~/old-blog/_drafts
        # 12 created, 0 updated, 0 unchanged, 0 skipped, 0 failed
        ```

        A post file looks like this:

        ```markdown
        ---
        title: Structured concurrency in practice
        date: 2024-05-17 09:30:00 +0200
        tags: [swift, concurrency]
        ---

        Task groups make fan-out easy to read…
        ```

        ## Next steps

        - [x] Start Galley
        - [ ] Import your posts with `galley import`
        - [ ] Set your blog's title with `--site-title` and its address with `--base-url`

        Happy writing.

        [^1]: Like this one. They collect at the end of the post, with a link back.
        """#
}
