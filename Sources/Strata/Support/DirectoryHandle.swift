#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open directory whose entries are listed, and whose files are read by name relative to
/// it (`openat`), with a handful of system calls each: `status` reads a thousand migration
/// files, and Foundation's `FileManager` costs several times more per file and resolves
/// the whole path every time.
final class DirectoryHandle: @unchecked Sendable {
    /// Why the directory or one of its files could not be read, as the system describes `errno`.
    struct SystemError: Error, Sendable {
        /// The `errno` value.
        let code: Int32
        /// The system's description of it.
        let reason: String

        init(errno code: Int32) {
            self.code = code
            reason = String(cString: strerror(code))
        }
    }

    #if canImport(Darwin)
    private typealias Stream = UnsafeMutablePointer<DIR>
    #else
    private typealias Stream = OpaquePointer
    #endif

    // Only read after `init`: `openat` on one descriptor is safe from any thread.
    private let directory: Stream
    private let descriptor: Int32

    /// Opens the directory at `path`; `nil` if nothing exists there.
    ///
    /// - Throws: ``SystemError`` (`ENOTDIR` if `path` is a file).
    init?(path: String) throws(SystemError) {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return nil }
            throw SystemError(errno: errno)
        }
        self.directory = directory
        descriptor = dirfd(directory)
    }

    deinit { closedir(directory) }

    /// The names of the entries, except `.` and `..`, in no particular order.
    func entryNames() -> [String] {
        rewinddir(directory)
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                // `d_name` is NUL-terminated within its fixed-size array.
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The bytes of the file called `name` in the directory.
    ///
    /// Read straight into the array's storage: no `fstat` for the size, no scratch buffer and
    /// no copy. The first allocation, ``firstReadSize``, holds a typical migration file, read
    /// by one call; a larger file doubles the storage as it fills. (A 64 KiB scratch buffer
    /// per file, as before, allocated and freed 32 MB to read 500 files of 150 bytes:
    /// docs/benchmarks.md.)
    ///
    /// - Throws: ``SystemError`` — `EFBIG` once the file is found to hold more than `limit`
    ///   bytes, which are not all read.
    func contents(of name: String, limit: Int = .max) throws(SystemError) -> [UInt8] {
        let file = openat(descriptor, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw SystemError(errno: errno) }
        defer { close(file) }
        // Reading `limit + 1` bytes is enough to know a file is too large.
        let ceiling = limit < Int.max ? limit + 1 : limit
        var bytes: [UInt8] = []
        var capacity = Swift.min(Self.firstReadSize, ceiling)
        while true {
            var failure: Int32 = 0
            var reachedEnd = false
            let previous = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { storage, initialized in
                initialized = previous.withUnsafeBufferPointer { storage.initialize(fromContentsOf: $0) }
                guard let base = storage.baseAddress else { return }
                while initialized < storage.count {
                    let count = read(file, base + initialized, storage.count - initialized)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    initialized += count
                    // A regular file reads short only at its end: no extra call to see it return 0.
                    if initialized < storage.count {
                        reachedEnd = true
                        return
                    }
                }
            }
            if failure != 0 { throw SystemError(errno: failure) }
            if bytes.count > limit { throw SystemError(errno: EFBIG) }
            if reachedEnd { return bytes }
            capacity = capacity > ceiling / 2 ? ceiling : capacity * 2
        }
    }

    /// How much the first `read` of a file asks for, and the storage it goes to.
    static let firstReadSize = 16 * 1024
}
