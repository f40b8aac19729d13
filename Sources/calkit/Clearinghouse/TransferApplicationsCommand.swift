import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse transfer-applications`: the operator's view of the transfers customers
/// asked for on the web pages, and their decisions, as on the operator page.
struct TransferApplicationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer-applications",
        abstract: "List the transfers customers asked for on the web pages; approve or refuse one.",
        discussion: """
            Customers apply on the pages of `calkit clearinghouse serve` (/transfer); the operator \
            decides there (/operator) or here. Approving checks the license again and signs the \
            grant, recording the seat in the transfer ledger in the same transaction; the customer \
            then downloads the grant from the application's page. Refusing records the reason the \
            customer will read.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("Approve the application with this id.", valueName: "id")) var approve: String?
    @Option(help: ArgumentHelp("Refuse the application with this id (with --reason).", valueName: "id")) var refuse: String?
    @Option(help: "Why it is refused, in words the customer reads.") var reason: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard approve == nil || refuse == nil else { throw ValidationError("approve or refuse, not both") }
        guard (refuse == nil) == (reason == nil) else { throw ValidationError("--refuse ID goes with --reason TEXT") }
    }

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        if let approve { try clearinghouse.approveTransferApplication(id: approve).print(json: json) }
        if let refuse, let reason { try clearinghouse.refuseTransferApplication(id: refuse, reason: reason).print(json: json) }
        guard approve == nil, refuse == nil else { return }
        let applications = try clearinghouse.transferApplications()
        if json {
            Output.json(applications.map(Summary.init))
        } else if applications.isEmpty {
            print("No transfer applications.")
        } else {
            for application in applications { application.print(json: false) }
        }
    }

    /// An application as scripts see it.
    struct Summary: Encodable {
        var id, oldSerial, serverID, keyPackID, status, submittedAt: String
        var seat: Int
        var decidedAt, refusal: String?

        init(_ application: TransferApplication) {
            id = application.id
            oldSerial = application.oldSerial
            serverID = application.serverID
            keyPackID = application.keyPackID
            seat = application.seat
            status = application.status.rawValue
            submittedAt = Output.date(application.submittedAt)
            decidedAt = application.decidedAt.map(Output.date)
            refusal = application.refusal
        }
    }
}

extension TransferApplication {
    fileprivate func print(json: Bool) {
        if json {
            Output.json(TransferApplicationsCommand.Summary(self))
        } else {
            let decision = status == .refused ? "refused: \(refusal ?? "")" : status.rawValue
            Swift.print("\(id)  \(oldSerial)  pack \(keyPackID) seat \(seat)  \(decision)")
        }
    }
}
