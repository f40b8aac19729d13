import Hummingbird

/// A CALKit service ``HTTPService`` can run: it knows its routes.
public protocol RoutedService: Sendable {
    /// The routes with the service's middleware, for ``HTTPService`` or a test.
    func router() throws -> Router<ServiceRequestContext>
}

extension LicenseServerService: RoutedService {}
extension ClearinghouseService: RoutedService {}
