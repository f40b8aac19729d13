/// The clearinghouse's pages (Mustache): the web browser method for customers — activate a
/// license server, install CALs, ask for a transfer — and the operator's page.
enum ClearinghouseTemplates {
    static let all: [String: String] = [
        "home": home, "activate": activate, "activation": activation, "buy": buy, "pack": pack, "transfer": transfer,
        "application": application, "operator": operatorPage,
    ].merging(SharedTemplates.all) { first, _ in first }


    static let errorBlock = SharedTemplates.errorBlock

    static let home = """
        {{<layout}}{{$body}}
        <h1>Licensing by web browser</h1>
        <p>Everything a license server needs from the clearinghouse, from any computer with a browser. Carry the files between this page and the license server by hand; each is signed and checked where it is installed.</p>
        <div class="cards">
        <section><h2>Activate a license server</h2><p>Send the activation request <code>calkit server init</code> wrote, with the activation code from your vendor; download the certificate chain for <code>calkit server install-certificate</code>.</p><a class="button" id="go-activate" href="/activate">Activate</a></section>
        <section><h2>Install CALs</h2><p>Enter your license-server id and the key pack code from your vendor; download the key pack for <code>calkit server install-pack</code>.</p><a class="button" id="go-buy" href="/buy">Get a key pack</a></section>
        <section><h2>Transfer a CAL</h2><p>Send the license of a device that is gone; once the clearinghouse approves, download the grant for <code>calkit server transfer</code>. A seat moves once.</p><a class="button" id="go-transfer" href="/transfer">Ask for a transfer</a></section>
        </div>
        {{/body}}{{/layout}}
        """

    static let activate = """
        {{<layout}}{{$body}}
        <h1>Activate a license server</h1>
        \(errorBlock)
        <form class="card" method="post" action="/activate" enctype="multipart/form-data">
        <input type="hidden" name="calkit_form" value="{{formToken}}">
        <label for="request">Activation request (paste the contents of <code>activation-request.pem</code>)</label>
        <textarea id="request" name="request" rows="10" placeholder="-----BEGIN CERTIFICATE REQUEST-----">{{request}}</textarea>
        <label for="requestFile">… or choose the file</label>
        <input type="file" id="requestFile" name="requestFile" accept=".pem,.csr">
        <label for="activationCode">Activation code</label>
        <input type="text" id="activationCode" name="activationCode" value="{{activationCode}}" autocomplete="off" placeholder="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX">
        <p class="hint">Your vendor gives you a one-time code (<code>calkit clearinghouse activation-code</code>). A re-key request from <code>calkit server rotate</code> needs none.</p>
        <button type="submit" id="submit">Activate</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let activation = """
        {{<layout}}{{$body}}
        <h1>License server activated</h1>
        <section>
        <p class="notice">License server <code id="server-id">{{serverID}}</code> is activated until {{notAfter}}.</p>
        <p>Download the chain and install it on the license server:</p>
        <p><a class="button" id="download" href="/activations/{{serverID}}/server-chain.pem" download>Download server-chain.pem</a></p>
        <pre><code>calkit server install-certificate --home DIR server-chain.pem</code></pre>
        <p class="hint">Certificate serial {{serial}}. This page stays here: reloading it activates nothing again.</p>
        </section>
        {{/body}}{{/layout}}
        """

    static let buy = """
        {{<layout}}{{$body}}
        <h1>Install CALs: get a key pack</h1>
        \(errorBlock)
        <form class="card" method="post" action="/buy">
        <input type="hidden" name="calkit_form" value="{{formToken}}">
        <label for="serverID">License-server id (as <code>calkit server init</code> or <code>server status</code> prints it)</label>
        <input type="text" id="serverID" name="serverID" value="{{serverID}}" autocomplete="off">
        <label for="packCode">Key pack code from your vendor</label>
        <input type="text" id="packCode" name="packCode" value="{{packCode}}" autocomplete="off" placeholder="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX">
        <label for="agreement">Agreement number</label>
        <input type="text" id="agreement" name="agreement" value="{{agreement}}">
        <label for="product">Product</label>
        <input type="text" id="product" name="product" value="{{product}}">
        <label for="productVersion">Product version</label>
        <input type="text" id="productVersion" name="productVersion" value="{{productVersion}}">
        <label for="licenseType">License type</label>
        <select id="licenseType" name="licenseType"><option value="per-device"{{#perDevice}} selected{{/perDevice}}>per device</option><option value="per-user"{{#perUser}} selected{{/perUser}}>per user</option></select>
        <label for="count">Number of CALs</label>
        <input type="number" id="count" name="count" min="1" value="{{count}}">
        <p class="hint">Enter the order exactly as your vendor sold it: the code allows that order, once.</p>
        <button type="submit" id="submit">Get the key pack</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let pack = """
        {{<layout}}{{$body}}
        <h1>Key pack ready</h1>
        <section>
        <p class="notice">Key pack <code id="pack-id">{{packID}}</code>: {{count}} {{licenseType}} CALs of {{product}} {{productVersion}} for license server <code>{{serverID}}</code>.</p>
        <p><a class="button" id="download" href="/packs/{{packID}}/keypack.der" download>Download keypack.der</a></p>
        <pre><code>calkit server install-pack --home DIR keypack.der</code></pre>
        <p class="hint">Only that license server can install it. Reloading this page sells nothing again.</p>
        </section>
        {{/body}}{{/layout}}
        """

    static let transfer = """
        {{<layout}}{{$body}}
        <h1>Ask for a transfer</h1>
        \(errorBlock)
        <form class="card" method="post" action="/transfer" enctype="multipart/form-data">
        <input type="hidden" name="calkit_form" value="{{formToken}}">
        <label for="license">The license whose seat moves (paste the license file, PEM)</label>
        <textarea id="license" name="license" rows="10" placeholder="-----BEGIN CERTIFICATE-----">{{license}}</textarea>
        <label for="licenseFile">… or choose the file</label>
        <input type="file" id="licenseFile" name="licenseFile" accept=".pem">
        <p class="hint">Only a standing, permanent per-device CAL moves, once. The clearinghouse decides; keep the address of the next page to come back for the grant.</p>
        <button type="submit" id="submit">Ask for the transfer</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let application = """
        {{<layout}}{{$body}}
        <h1>Transfer application</h1>
        <section>
        <p>Application <code id="application-id">{{id}}</code> for the CAL <code>{{oldSerial}}</code> (key pack {{keyPackID}}, seat {{seat}}), sent {{submittedAt}}.</p>
        {{#pending}}<p class="notice" id="status">Waiting for the clearinghouse to decide. Reload this page later.</p>{{/pending}}
        {{#approved}}<p class="notice" id="status">Approved {{decidedAt}}.</p>
        <p><a class="button" id="download" href="/transfers/{{id}}/grant.der" download>Download grant.der</a></p>
        <pre><code>calkit server transfer --home DIR --grant grant.der --request NEW.csr --out new-license.pem</code></pre>{{/approved}}
        {{#refused}}<p class="error" id="status">Refused {{decidedAt}}: {{refusal}}</p>{{/refused}}
        </section>
        {{/body}}{{/layout}}
        """

    static let operatorPage = """
        {{<layout}}{{$body}}
        <h1>Transfer applications</h1>
        \(errorBlock)
        {{#notice}}<p class="notice" id="notice">{{notice}}</p>{{/notice}}
        <section>
        <table id="applications">
        <tr><th>Sent</th><th>CAL</th><th>License server</th><th>Key pack, seat</th><th>Status</th><th></th></tr>
        {{#applications}}
        <tr id="application-{{id}}"><td>{{submittedAt}}</td><td><code>{{oldSerial}}</code></td><td><code>{{serverID}}</code></td><td><code>{{keyPackID}}</code>, {{seat}}</td><td class="status">{{status}}{{#refusal}}: {{refusal}}{{/refusal}}</td>
        <td>{{#pending}}<form class="inline" method="post" action="/operator/transfers/{{id}}/approve"><input type="hidden" name="calkit_form" value="{{formToken}}"><button type="submit" class="approve">Approve</button></form>
        <form class="inline" method="post" action="/operator/transfers/{{id}}/refuse"><input type="hidden" name="calkit_form" value="{{formToken}}"><input type="text" name="reason" placeholder="why" class="reason"><button type="submit" class="danger refuse">Refuse</button></form>{{/pending}}</td></tr>
        {{/applications}}
        {{^applications}}<tr><td colspan="6">No applications.</td></tr>{{/applications}}
        </table>
        </section>
        <form method="post" action="/operator/logout"><input type="hidden" name="calkit_form" value="{{formToken}}"><button type="submit" id="logout">Sign out</button></form>
        {{/body}}{{/layout}}
        """
}
