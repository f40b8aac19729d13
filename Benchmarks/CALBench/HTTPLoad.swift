import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 load generator for the network rows of `make bench`: `concurrency` keep-alive
/// connections, each sending its share of the bodies one after another and timing every answer.
///
/// Written on SwiftNIO directly so the load costs as little CPU as possible on a machine the
/// service shares; every connection is open before the clock starts.
struct HTTPLoad {
    /// The service's port on 127.0.0.1.
    let port: Int
    /// Several services' ports (nodes of one license server): connection `i` goes to port
    /// `i mod n`, as a load balancer spreading connections would send it. Just `port` when empty.
    var ports: [Int] = []
    /// The path every request is sent to.
    let path: String
    /// The `Content-Type` of the bodies.
    let contentType: String
    /// The `Authorization` header every request carries (an enrolled host's credential), if any.
    var authorization: String? = nil
    /// A new connection for every request (for a server that closes after each answer, as
    /// `openssl ocsp` does); otherwise keep-alive connections opened before the clock starts.
    var connectionPerRequest = false

    /// What one run measured.
    struct Result {
        /// Requests answered.
        let requests: Int
        /// Wall time from the first request to the last answer, in seconds.
        let seconds: Double
        /// Latency of every request, in seconds, sorted.
        let latencies: [Double]
        /// The status and body of each request, in the order of the bodies sent.
        let answers: [Answer]

        /// Answers per second.
        var perSecond: Double { Double(requests) / seconds }

        /// The latency below which `fraction` of the requests were answered.
        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * fraction).rounded(.up)) - 1)
            return latencies[max(0, index)]
        }

        /// How many answers had each status.
        var statusCounts: [Int: Int] {
            answers.reduce(into: [:]) { counts, answer in counts[answer.status, default: 0] += 1 }
        }
    }

    /// One answer.
    struct Answer: Sendable {
        let status: Int
        let body: [UInt8]
    }

    /// Sends every body once over `concurrency` connections (body `i` on connection `i % concurrency`).
    func run(bodies: [[UInt8]], concurrency: Int) async throws -> Result {
        var connections: [NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>] = []
        if !connectionPerRequest {
            for number in 0..<concurrency { connections.append(try await connect(number)) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let perConnection = try await withThrowingTaskGroup(of: [(Int, Answer, Double)].self) { group in
            for number in 0..<concurrency {
                let share = Array(stride(from: number, to: bodies.count, by: concurrency)).map { ($0, bodies[$0]) }
                let connection = connections.isEmpty ? nil : connections[number]
                group.addTask {
                    guard let connection else {
                        // Connect, ask, read the answer, close: the connection's setup counts in.
                        var answers: [(Int, Answer, Double)] = []
                        let clock = ContinuousClock()
                        for request in share {
                            let start = clock.now
                            var answered = try await send([request], over: try await connect(request.0))
                            answered[0].2 = Self.seconds(clock.now - start)
                            answers += answered
                        }
                        return answers
                    }
                    return try await send(share, over: connection)
                }
            }
            var all: [[(Int, Answer, Double)]] = []
            for try await finished in group { all.append(finished) }
            return all
        }
        let elapsed = clock.now - start
        var answers = [Answer](repeating: Answer(status: 0, body: []), count: bodies.count)
        var latencies: [Double] = []
        for (index, answer, latency) in perConnection.joined() {
            answers[index] = answer
            latencies.append(latency)
        }
        return Result(
            requests: bodies.count,
            seconds: Self.seconds(elapsed),
            latencies: latencies.sorted(),
            answers: answers
        )
    }

    /// Connection `number` to the service (to one of the nodes, in turn), with Nagle off.
    private func connect(_ number: Int) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: ports.isEmpty ? port : ports[number % ports.count]) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Sends `requests` one after another on one connection, then closes it.
    private func send(
        _ requests: [(Int, [UInt8])],
        over connection: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    ) async throws -> [(Int, Answer, Double)] {
        let path = self.path
        let contentType = self.contentType
        let authorization = self.authorization
        return try await connection.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            var results: [(Int, Answer, Double)] = []
            let clock = ContinuousClock()
            for (index, body) in requests {
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
                head.headers.add(name: "Host", value: "127.0.0.1")
                head.headers.add(name: "Content-Type", value: contentType)
                head.headers.add(name: "Content-Length", value: String(body.count))
                if let authorization { head.headers.add(name: "Authorization", value: authorization) }
                let start = clock.now
                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
                var status = 0
                var received: [UInt8] = []
                reading: while let part = try await responses.next() {
                    switch part {
                    case .head(let response): status = Int(response.status.code)
                    case .body(let buffer): received.append(contentsOf: buffer.readableBytesView)
                    case .end: break reading
                    }
                }
                results.append((index, Answer(status: status, body: received), Self.seconds(clock.now - start)))
            }
            return results
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
