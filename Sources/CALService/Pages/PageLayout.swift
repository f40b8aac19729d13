/// The layout every page is drawn in: the site's header and navigation, the page's `body`
/// block, and one small style sheet inline (no files, no scripts).
enum PageLayout {
    static let template = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f8fa; }
        header { background: #0b3d91; color: #fff; padding: 0.8rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap; }
        header a { color: #fff; text-decoration: none; }
        header strong { font-size: 1.15rem; margin-right: 1rem; }
        main { max-width: 64rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        section, form.card { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
        label { display: block; font-weight: 600; margin-top: 0.75rem; }
        input[type=text], input[type=password], input[type=number], select, textarea { width: 100%; box-sizing: border-box; padding: 0.4rem; font: inherit; }
        textarea { font-family: ui-monospace, monospace; font-size: 0.8rem; }
        button, .button { margin-top: 1rem; padding: 0.45rem 1rem; background: #0b3d91; color: #fff; border: 0; border-radius: 4px; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
        button.danger { background: #b42318; }
        .error { background: #fde8e8; border: 1px solid #b42318; color: #7a1b12; padding: 0.6rem 0.9rem; border-radius: 4px; }
        .notice { background: #e7f5ea; border: 1px solid #1a7f37; padding: 0.6rem 0.9rem; border-radius: 4px; }
        .hint { color: #57606a; font-size: 0.9rem; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
        th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
        code { font-family: ui-monospace, monospace; font-size: 0.85rem; word-break: break-all; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
        .inline { display: inline; }
        svg text { font-family: system-ui, sans-serif; }
        </style>
        </head>
        <body>
        <header><strong>{{siteName}}</strong>{{#navigation}}<a href="{{path}}">{{label}}</a>{{/navigation}}</header>
        <main>
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """
}
