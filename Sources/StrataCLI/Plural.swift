/// `1 migration`, `2 migrations`.
func migrationCount(_ count: Int) -> String {
    count == 1 ? "1 migration" : "\(count) migrations"
}
