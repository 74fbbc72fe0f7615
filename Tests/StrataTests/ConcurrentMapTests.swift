@testable import Strata
import Testing

/// `concurrentMap` cuts the elements into chunks: every size must come back whole and in
/// order, including those the chunk size does not divide.
@Suite struct ConcurrentMapTests {
    struct Failure: Error, Equatable {
        let element: Int
    }

    @Test(arguments: [0, 1, 2, 7, 8, 9, 41, 100, 1001])
    func everyElementComesBackInOrder(count: Int) throws {
        let elements = Array(0..<count)
        #expect(try elements.concurrentMap { $0 * 3 } == elements.map { $0 * 3 })
    }

    @Test func theFirstFailureInElementOrderIsThrown() {
        let elements = Array(0..<500)
        #expect(throws: Failure(element: 123)) {
            try elements.concurrentMap { element -> Int in
                if element == 123 || element == 456 { throw Failure(element: element) }
                return element
            }
        }
    }
}
