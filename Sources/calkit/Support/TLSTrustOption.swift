import ArgumentParser

/// `--tls-trust` of the commands that reach a CALKit service over https.
struct TLSTrustOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "CA certificates (PEM) the https service's certificate must chain to, for a private CA; without it the system's.",
            valueName: "ca.pem"
        )
    )
    var tlsTrust: String?
}
