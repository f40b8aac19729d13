/// The pages every service's site has: a sign-in form and a page that says one thing.
enum SharedTemplates {
    static let all: [String: String] = ["login": login, "message": message]

    /// Where a form shows what was wrong with it.
    static let errorBlock = "{{#error}}<p class=\"error\" id=\"error\" role=\"alert\">{{error}}</p>{{/error}}"

    static let login = """
        {{<layout}}{{$body}}
        <h1>Sign in</h1>
        \(errorBlock)
        <form class="card" method="post" action="{{action}}">
        <input type="hidden" name="calkit_form" value="{{formToken}}">
        <label for="token">Token</label>
        <input type="password" id="token" name="token" autocomplete="current-password">
        <p class="hint">{{hint}}</p>
        <button type="submit" id="submit">Sign in</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$body}}
        <h1>{{heading}}</h1>
        <section><p id="message">{{text}}</p>{{#link}}<p><a href="{{link}}">{{linkLabel}}</a></p>{{/link}}</section>
        {{/body}}{{/layout}}
        """
}
