/// `1 migration`, `2 migrations`.
func migrationCount(_ count: Int, noun: String = "migration") -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
}
