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
    /// - Throws: ``SystemError`` — `EFBIG` once the file is found to hold more than `limit`
    ///   bytes, which are not all read.
    func contents(of name: String, limit: Int = .max) throws(SystemError) -> [UInt8] {
        let file = openat(descriptor, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw SystemError(errno: errno) }
        defer { close(file) }
        // No `fstat` for the size, and no zero-filled buffer: reads go to scratch memory,
        // and a migration file is one read and one copy.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 1)
        defer { scratch.deallocate() }
        var bytes: [UInt8] = []
        while true {
            let count = read(file, scratch.baseAddress, scratch.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError(errno: errno)
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
            if bytes.count > limit { throw SystemError(errno: EFBIG) }
            // A regular file reads short only at its end: no extra call to see it return 0.
            if count < scratch.count { return bytes }
        }
    }

    /// How much one `read` asks for.
    static let readSize = 64 * 1024
}
