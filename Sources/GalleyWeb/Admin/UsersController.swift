import Foundation
import GalleyCore
import Hummingbird

/// The people who write on the site, for admins: list, add, disable and enable.
struct UsersController: Sendable {
    let store: any Store
    let pages: PageRenderer
    let clock: @Sendable () -> Date

    static let path = "/admin/users"

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(Self.path), use: list)
        router.post(RouterPath(Self.path), use: add)
        router.post("/admin/users/:id/disable", use: disable)
        router.post("/admin/users/:id/enable", use: enable)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin(to: "manage users")
        let notice = request.uri.queryParameters.get("notice").map { $0 == "added" ? "User added." : "Saved." }
        return try pages.renderAdmin(UsersPage(users: try await store.users(), me: admin, notice: notice), context: context)
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin(to: "manage users")
        let form = try await Form.read(request)
        do {
            guard let role = Role(rawValue: form["role"] ?? "") else { throw GalleyError(.invalidInput, "choose a role") }
            let user = try await UserAdministration(store: store, clock: clock).add(
                email: form["email"] ?? "", name: form.text("name"), role: role, password: form["password"] ?? ""
            )
            context.logger.notice("user added", metadata: ["user": "\(user.id)", "role": "\(role.rawValue)"])
            return .redirect(to: Self.path + "?notice=added", type: .normal)
        } catch let error as GalleyError where error.status < 500 {
            let page = UsersPage(
                users: try await store.users(), me: admin, error: error.message.asSentence,
                typed: (form["email"] ?? "", form.text("name"))
            )
            return try pages.renderAdmin(page, context: context, status: .init(code: error.status))
        }
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setDisabled(true, context: context)
    }

    @Sendable func enable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setDisabled(false, context: context)
    }

    private func setDisabled(_ disabled: Bool, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin(to: "manage users")
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), var user = try await store.user(id: id) else { throw GalleyError.notFound("there is no user \(text.prefix(40))") }
        guard user.id != admin.id else { throw GalleyError(.conflict, "you cannot disable yourself; another admin can") }
        user.disabled = disabled
        try await store.updateUser(user)
        context.logger.notice(disabled ? "user disabled" : "user enabled", metadata: ["user": "\(user.id)"])
        return .redirect(to: Self.path + "?notice=saved", type: .normal)
    }
}

struct UsersPage: AdminView {
    static let template = "admin-users"
    var csrf = ""
    let title = "Users"
    let rows: [Row]
    let notice: String?
    let error: String?
    let email: String
    let name: String

    struct Row {
        let name: String
        let email: String
        let role: String
        let flags: String
        let disableAction: String?
        let enableAction: String?
    }

    init(users: [User], me: User, notice: String? = nil, error: String? = nil, typed: (email: String, name: String) = ("", "")) {
        rows = users.map { user in
            Row(
                name: user.name, email: user.email, role: user.role.rawValue,
                flags: [user.disabled ? "disabled" : nil, user.totpSecret != nil ? "two-factor" : nil].compactMap { $0 }.joined(separator: ", "),
                disableAction: user.id != me.id && !user.disabled ? "/admin/users/\(user.id)/disable" : nil,
                enableAction: user.disabled ? "/admin/users/\(user.id)/enable" : nil
            )
        }
        self.notice = notice
        self.error = error
        email = typed.email
        name = typed.name
    }
}
