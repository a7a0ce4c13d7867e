import Foundation
import GalleyCore
import Hummingbird
import HummingbirdOTP

/// Signing in and out, the first admin's setup, the second factor and the account page.
struct AuthController: Sendable {
    let store: any Store
    let pages: PageRenderer
    let sessions: Sessions
    let throttle: LoginThrottle
    let clock: @Sendable () -> Date

    static let openPaths: Set<String> = [AdminPath.login, AdminPath.setup, AdminPath.secondFactor]

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(AdminPath.login), use: loginForm)
        router.post(RouterPath(AdminPath.login), use: login)
        router.post(RouterPath(AdminPath.logout), use: logout)
        router.get(RouterPath(AdminPath.setup), use: setupForm)
        router.post(RouterPath(AdminPath.setup), use: setup)
        router.get(RouterPath(AdminPath.secondFactor), use: codeForm)
        router.post(RouterPath(AdminPath.secondFactor), use: code)
        router.get(RouterPath(AdminPath.account), use: account)
        router.post(RouterPath(AdminPath.account + "/2fa"), use: enableTwoFactor)
        router.post(RouterPath(AdminPath.account + "/2fa/disable"), use: disableTwoFactor)
    }

    // MARK: Sign-in

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.session?.awaitingSecondFactor == false {
            return .redirect(to: AdminPath.safeNext(request.uri.queryParameters.get("next")), type: .normal)
        }
        return try formPage(request, context: context) { token in
            LoginPage(formToken: token, next: AdminPath.safeNext(request.uri.queryParameters.get("next")), email: "", error: nil)
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await checkedForm(request)
        let email = User.normalizedEmail(form["email"] ?? "")
        let next = AdminPath.safeNext(form["next"])
        let now = clock()
        try throttle.check(account: email, address: context.clientAddress, at: now, counting: "failed sign-ins")
        let user = try await store.user(email: email)
        guard try await Passwords.verify(form["password"] ?? "", hash: user?.passwordHash), let user, !user.disabled else {
            throttle.recordFailure(account: email, address: context.clientAddress, at: now)
            context.logger.notice("sign-in refused", metadata: ["email": "\(email.prefix(100))"])
            let token = request.cookies[Sessions.formCookieName]?.value ?? ""
            return try pages.renderAdmin(
                LoginPage(formToken: token, next: next, email: email, error: "That email and password do not match an account."),
                context: context, status: .unauthorized
            )
        }
        throttle.recordSuccess(account: email)
        context.logger.info("signed in", metadata: ["user": "\(user.id)"])
        return try await signIn(user, replacing: context, next: next)
    }

    /// Ends any session the browser had and starts a new one, which waits for the second factor
    /// when the user has one.
    private func signIn(_ user: User, replacing context: AppRequestContext, next: String) async throws -> Response {
        if let old = context.session { try await store.deleteSession(tokenHash: old.tokenHash) }
        let awaiting = user.totpSecret != nil
        let (_, cookie) = try await sessions.start(for: user, awaitingSecondFactor: awaiting, context: context)
        let target = awaiting ? AdminPath.secondFactor + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : next
        var response = Response.redirect(to: target, type: .normal)
        response.setCookie(cookie)
        response.setCookie(sessions.expired(Sessions.formCookieName, context: context))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session { try await store.deleteSession(tokenHash: session.tokenHash) }
        var response = Response.redirect(to: AdminPath.login, type: .normal)
        response.setCookie(sessions.expired(Sessions.cookieName, context: context))
        return response
    }

    // MARK: First admin

    @Sendable func setupForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        guard try await FirstRunSetup.accepts(token, store: store, at: clock()) else {
            throw GalleyError.notFound("this setup link has expired or was used; run `galley serve` again for a new one, or `galley user add`")
        }
        return try formPage(request, context: context) { formToken in
            SetupPage(formToken: formToken, token: token, email: "", name: "", error: nil)
        }
    }

    @Sendable func setup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await checkedForm(request)
        let token = form["token"] ?? ""
        guard try await FirstRunSetup.accepts(token, store: store, at: clock()) else {
            throw GalleyError.notFound("this setup link has expired or was used; run `galley serve` again for a new one, or `galley user add`")
        }
        let email = form["email"] ?? "", name = form.text("name"), password = form["password"] ?? ""
        do {
            try User.validate(email: email, name: name, password: password)
            guard password == form["password2"] else { throw GalleyError(.invalidInput, "the two passwords differ") }
        } catch let error as GalleyError {
            return try pages.renderAdmin(
                SetupPage(formToken: form["_csrf"] ?? "", token: token, email: email, name: name, error: error.message.asSentence),
                context: context, status: .badRequest
            )
        }
        let user = try await store.createUser(User(
            email: email, name: name.trimmingCharacters(in: .whitespacesAndNewlines), role: .admin,
            passwordHash: try await Passwords.hash(password), createdAt: clock()
        ))
        try await FirstRunSetup.consume(token, store: store)
        context.logger.notice("first admin created", metadata: ["user": "\(user.id)"])
        return try await signIn(user, replacing: context, next: AdminPath.root)
    }

    // MARK: Second factor

    @Sendable func codeForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.session?.awaitingSecondFactor == true else { return .redirect(to: AdminPath.login, type: .normal) }
        return try pages.renderAdmin(
            SecondFactorPage(next: AdminPath.safeNext(request.uri.queryParameters.get("next")), error: nil), context: context
        )
    }

    @Sendable func code(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard var session = context.session, session.awaitingSecondFactor, var user = context.user else {
            throw GalleyError(.forbidden, "sign in with your password first")
        }
        var request = request
        try await CSRF.check(&request, expected: session.csrfToken)
        let form = try await Form.read(&request)
        let next = AdminPath.safeNext(form["next"])
        let now = clock()
        try throttle.check(account: user.email, address: context.clientAddress, at: now, counting: "wrong codes")
        let entered = (form["code"] ?? "").filter { !$0.isWhitespace }
        if TwoFactor.verify(entered, secret: user.totpSecret, at: now) {
            // accepted
        } else if let index = user.recoveryCodeHashes.firstIndex(of: Secret.sha256(entered.lowercased())) {
            user.recoveryCodeHashes.remove(at: index)
            try await store.updateUser(user)
            context.logger.notice("recovery code used", metadata: ["left": "\(user.recoveryCodeHashes.count)"])
        } else {
            throttle.recordFailure(account: user.email, address: context.clientAddress, at: now)
            return try pages.renderAdmin(SecondFactorPage(next: next, error: "That code is not valid."), context: context, status: .unauthorized)
        }
        throttle.recordSuccess(account: user.email)
        session.awaitingSecondFactor = false
        try await store.updateSession(session)
        return .redirect(to: next, type: .normal)
    }

    // MARK: Account

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.user else { throw GalleyError(.forbidden, "sign in first") }
        let enrolment = user.totpSecret == nil ? TwoFactor.enrolment(secret: Secret.token(bytes: 20), user: user, site: pages.site.title) : nil
        return try pages.renderAdmin(AccountPage(user: user, enrolment: enrolment), context: context)
    }

    @Sendable func enableTwoFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard var user = context.user else { throw GalleyError(.forbidden, "sign in first") }
        let form = try await Form.read(request)
        let secret = form["secret"] ?? ""
        guard secret.count >= 20, TwoFactor.verify(form["code"] ?? "", secret: secret, at: clock()) else {
            return try pages.renderAdmin(
                AccountPage(user: user, enrolment: TwoFactor.enrolment(secret: secret.count >= 20 ? secret : Secret.token(bytes: 20), user: user, site: pages.site.title),
                            error: "That code does not match; check the app's clock and try the next code."),
                context: context, status: .badRequest
            )
        }
        let codes = (0..<10).map { _ in TwoFactor.recoveryCode() }
        user.totpSecret = secret
        user.recoveryCodeHashes = codes.map(Secret.sha256)
        try await store.updateUser(user)
        return try pages.renderAdmin(AccountPage(user: user, recoveryCodes: codes, notice: "Two-factor sign-in is on."), context: context)
    }

    @Sendable func disableTwoFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard var user = context.user else { throw GalleyError(.forbidden, "sign in first") }
        let form = try await Form.read(request)
        guard TwoFactor.verify(form["code"] ?? "", secret: user.totpSecret, at: clock()) else {
            return try pages.renderAdmin(AccountPage(user: user, error: "That code is not valid."), context: context, status: .badRequest)
        }
        user.totpSecret = nil
        user.recoveryCodeHashes = []
        try await store.updateUser(user)
        return .redirect(to: AdminPath.account, type: .normal)
    }

    // MARK: Forms before sign-in

    /// A signed-out form, with the double-submit token in a cookie and in the form.
    private func formPage(_ request: Request, context: AppRequestContext, _ page: (String) -> some AdminView) throws -> Response {
        let token = request.cookies[Sessions.formCookieName]?.value ?? Secret.token()
        var response = try pages.renderAdmin(page(token), context: context)
        response.setCookie(sessions.cookie(Sessions.formCookieName, token, maxAge: 3600, context: context))
        return response
    }

    /// The form of a signed-out page, once its token matches the cookie's.
    private func checkedForm(_ request: Request) async throws -> Form {
        let form = try await Form.read(request)
        guard let cookie = request.cookies[Sessions.formCookieName]?.value, let sent = form["_csrf"], Secret.equal(cookie, sent) else {
            throw GalleyError(.forbidden, "this form has expired or did not come from this site; reload the page and try again")
        }
        return form
    }
}

/// TOTP (RFC 6238: SHA-1, 6 digits, 30 seconds), as every authenticator app does it.
enum TwoFactor {
    /// Accepts the code of this 30-second step and of the steps on either side, for clocks that
    /// drift.
    static func verify(_ code: String, secret: String?, at now: Date) -> Bool {
        guard let secret, code.count == 6, let number = Int(code) else { return false }
        let totp = TOTP(secret: secret)
        return [-30.0, 0, 30].contains { totp.compute(date: now.addingTimeInterval($0)) == number }
    }

    static func enrolment(secret: String, user: User, site: String) -> AccountPage.Enrolment {
        let url = TOTP(secret: secret).createAuthenticatorURL(label: "\(site):\(user.email)", issuer: site)
        let base32 = url.components(separatedBy: "secret=").last?.prefix { $0 != "&" } ?? ""
        return AccountPage.Enrolment(secret: secret, key: String(base32), url: url)
    }

    /// Ten characters a person can copy: lowercase letters and digits without 0, o, 1 and l.
    static func recoveryCode() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(characters[0..<5]) + "-" + String(characters[5...])
    }
}
