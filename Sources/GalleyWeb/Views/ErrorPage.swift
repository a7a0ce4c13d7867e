import Mustache

/// Any error, in the site's theme, with the request id a reader can quote.
struct ErrorPage: PageView {
    static let template = "error"

    let head: PageHead
    let status: String
    let heading: String
    let message: String
    let requestID: String

    init(failure: Failure, requestID: String) {
        head = PageHead(title: "\(failure.status.code) \(failure.status.reasonPhrase)", description: failure.message, noIndex: true)
        status = String(failure.status.code)
        heading = switch failure.status.code {
        case 404: "Page not found"
        case 400..<500: "That request didn’t work"
        default: "Something went wrong"
        }
        message = failure.message.asSentence
        self.requestID = requestID
    }
}

extension String {
    /// An error message (`a post needs a title`) as a sentence on a page: capitalized.
    var asSentence: String { prefix(1).uppercased() + dropFirst() }
}

extension ErrorPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "status": self.status
        case "heading": self.heading
        case "message": self.message
        case "requestID": self.requestID
        default: noField(name)
        }
    }
}
