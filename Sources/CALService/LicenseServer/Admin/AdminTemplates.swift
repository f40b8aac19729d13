/// The license-server administrator's pages (Mustache): the server at a glance with charts,
/// license search, and revocation with confirmation.
enum AdminTemplates {
    static let all: [String: String] = ["admin": admin, "revoke": revoke]

    static let admin = """
        {{<layout}}{{$body}}
        <h1>{{name}}</h1>
        {{#notice}}<p class="notice" id="notice">{{notice}}</p>{{/notice}}
        <section id="server">
        <p>License server <code id="server-id">{{serverID}}</code>{{#activatedUntil}}, activated until {{activatedUntil}}{{/activatedUntil}}{{^activatedUntil}}, <strong>not activated</strong>{{/activatedUntil}}. Ledger {{ledgerID}}. Licenses issued: {{issuedTotal}}.</p>
        </section>
        <section id="packs">
        <h2>Key packs and seat use</h2>
        {{{seatChart}}}
        <table><tr><th>Key pack</th><th>Product</th><th>Type</th><th>CALs</th><th>In use</th><th>Free</th></tr>
        {{#packs}}<tr><td><code>{{packID}}</code></td><td>{{product}} {{productVersion}}</td><td>{{licenseType}}</td><td>{{total}}</td><td>{{issued}}</td><td>{{free}}</td></tr>{{/packs}}
        {{^packs}}<tr><td colspan="6">No key packs installed.</td></tr>{{/packs}}
        </table>
        </section>
        <section id="quota">
        <h2>Revocations</h2>
        <p>An administrator may hold up to 20 % of a product version's per-device CALs revoked at once (at least one); a revoked CAL stops counting when it would have expired.</p>
        <table><tr><th>Product</th><th>Per-device CALs</th><th>Quota</th><th>Revoked now</th><th>May still revoke</th></tr>
        {{#quotas}}<tr><td>{{product}} {{productVersion}}</td><td>{{installed}}</td><td>{{limit}}</td><td>{{outstanding}}</td><td class="remaining">{{remaining}}</td></tr>{{/quotas}}
        {{^quotas}}<tr><td colspan="5">No per-device CALs installed.</td></tr>{{/quotas}}
        </table>
        {{#hasRevoked}}<h3>Revoked licenses</h3><table><tr><th>Serial</th><th>Device or user</th><th>Revoked</th><th>Reason</th></tr>
        {{#revoked}}<tr><td><code>{{serial}}</code></td><td>{{subject}}</td><td>{{revokedAt}}</td><td>{{reason}}</td></tr>{{/revoked}}</table>{{/hasRevoked}}
        </section>
        <section id="per-user">
        <h2>Per-user use over the last 30 days</h2>
        {{#perUser}}<h3>{{product}}{{#overUse}} — <span class="error">more users than purchased</span>{{/overUse}}</h3>{{{chart}}}{{/perUser}}
        {{^perUser}}<p>No per-user key packs installed.</p>{{/perUser}}
        </section>
        <section id="licenses">
        <h2>Licenses</h2>
        <form method="get" action="/admin#licenses"><label for="q">Find by device, user or serial</label><input type="text" id="q" name="q" value="{{query}}"><button type="submit" id="search">Search</button></form>
        <table id="license-table"><tr><th>Serial</th><th>Device or user</th><th>Product</th><th>Status</th><th>Valid until</th><th></th></tr>
        {{#licenses}}<tr class="license"><td><code>{{serial}}</code></td><td class="subject">{{subject}}</td><td>{{product}} {{productVersion}}</td><td>{{state}}</td><td>{{notAfter}}</td>
        <td>{{#revocable}}<a class="revoke" href="/admin/licenses/{{serial}}/revoke">Revoke…</a>{{/revocable}}</td></tr>{{/licenses}}
        {{^licenses}}<tr><td colspan="6">No license matches.</td></tr>{{/licenses}}
        </table>
        {{#more}}<p class="hint">Showing the newest {{shown}}; search to narrow.</p>{{/more}}
        </section>
        <section id="hosts">
        <h2>Session hosts</h2>
        <table><tr><th>Host</th><th>Enrolled</th><th>Status</th></tr>
        {{#hosts}}<tr><td>{{name}}</td><td>{{enrolledAt}}</td><td>{{state}}</td></tr>{{/hosts}}
        {{^hosts}}<tr><td colspan="3">No host enrolled (calkit server add-host).</td></tr>{{/hosts}}
        </table>
        <p class="hint">A host's grace period is kept by the host itself (calkit host status); the license server sees only the hosts enrolled with it.</p>
        </section>
        <section id="audit">
        <h2>Audit trail</h2>
        {{#auditOK}}<p class="notice" id="audit-result">The audit log verifies: {{auditEntries}} entries chained and matching the ledger, head <code>{{auditHead}}</code>.</p>{{/auditOK}}
        {{#auditBroken}}<p class="error" id="audit-result">The audit log does not verify: {{auditBroken}}</p>{{/auditBroken}}
        <table><tr><th>#</th><th>At</th><th>Event</th><th>Subject</th><th>Detail</th></tr>
        {{#audit}}<tr><td>{{sequence}}</td><td>{{at}}</td><td>{{event}}</td><td><code>{{subject}}</code></td><td>{{detail}}</td></tr>{{/audit}}
        </table>
        </section>
        <form method="post" action="/admin/logout"><input type="hidden" name="calkit_form" value="{{formToken}}"><button type="submit" id="logout">Sign out</button></form>
        {{/body}}{{/layout}}
        """

    static let revoke = """
        {{<layout}}{{$body}}
        <h1>Revoke a license</h1>
        \(SharedTemplates.errorBlock)
        <form class="card" method="post" action="/admin/licenses/{{serial}}/revoke">
        <input type="hidden" name="calkit_form" value="{{formToken}}">
        <p>Revoke the {{status}} {{licenseType}} license <code id="serial">{{serial}}</code> of <strong>{{subject}}</strong> ({{product}} {{productVersion}}, valid until {{notAfter}})?</p>
        {{#quota}}<p id="quota">The quota allows {{remaining}} more revocation(s) of {{product}} {{productVersion}} now ({{outstanding}} of {{limit}} in use).</p>{{/quota}}
        {{#seat}}<p>Seat {{seat}} of key pack <code>{{keyPackID}}</code> returns to the pool.</p>{{/seat}}
        <label for="reason">Reason</label>
        <select id="reason" name="reason">{{#reasons}}<option value="{{.}}">{{.}}</option>{{/reasons}}</select>
        <label><input type="checkbox" id="confirm" name="confirm" value="yes"> Yes, revoke this license. This cannot be undone.</label>
        <button type="submit" class="danger" id="submit">Revoke</button> <a href="/admin#licenses">Cancel</a>
        </form>
        {{/body}}{{/layout}}
        """
}
