#include <uiokit/regmap/search.hpp>

#include <uiokit/regmap/compiled_map.hpp>

#include <algorithm>
#include <cctype>
#include <system_error>

namespace uiokit::regmap {

SearchPath SearchPath::standard(const char* env_value) {
    SearchPath path;
    if (env_value) {
        std::string_view rest = env_value;
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const std::string_view dir = rest.substr(0, colon);
            if (!dir.empty()) path.directories.emplace_back(dir);
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        }
    }
    path.directories.push_back(installed_map_directory());
    return path;
}

std::filesystem::path installed_map_directory_for(const std::filesystem::path& program) {
    auto beside = (program.parent_path() / map_directory_from_bindir()).lexically_normal();
    std::error_code ec;
    if (std::filesystem::is_directory(beside, ec)) return beside;
    return configured_map_directory();
}

std::filesystem::path installed_map_directory() {
    static const std::filesystem::path directory = [] {
        std::error_code ec;
        const auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
        return ec ? configured_map_directory() : installed_map_directory_for(program);  // no /proc: configured
    }();
    return directory;
}

std::optional<std::string> map_file_stem(std::string_view name) {
    const std::string_view stem = name.substr(0, name.find('@'));
    if (stem.empty()) return std::nullopt;
    const bool file_safe = std::all_of(stem.begin(), stem.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ',';
    });
    if (!file_safe || stem.front() == '.') return std::nullopt;
    return std::string(stem);
}

namespace {

RegisterMap load_builtin(const BuiltinMap& builtin, const std::string& source) {
    if (auto map = decompile_map(builtin.compiled, source)) return std::move(*map);
    return parse_map(builtin.text, source);
}

}  // namespace

RegisterMap load_map_file(const std::filesystem::path& file, const SearchPath& path) {
    if (path.use_builtin) {
        const std::string name = file.filename().string();
        for (const BuiltinMap& builtin : builtin_maps())
            if (builtin.file_name == name && !builtin.compiled.empty()) {
                const std::string text = read_map_file(file);
                if (text == builtin.text) return load_builtin(builtin, file.string());
                return load_map_cached(file, path.cache_directory);
            }
    }
    return load_map_cached(file, path.cache_directory);
}

std::optional<FoundMap> find_map(const std::vector<std::string>& names, const SearchPath& path) {
    std::vector<std::string> stems;
    for (const std::string& name : names)
        if (auto stem = map_file_stem(name); stem && std::find(stems.begin(), stems.end(), *stem) == stems.end())
            stems.push_back(*stem);

    for (const auto& dir : path.directories)
        for (const std::string& stem : stems) {
            const auto file = dir / (stem + ".yaml");
            std::error_code ec;
            if (std::filesystem::is_regular_file(file, ec)) return FoundMap{load_map_file(file, path), file.string()};
        }
    if (path.use_builtin)
        for (const std::string& stem : stems)
            for (const BuiltinMap& builtin : builtin_maps())
                if (builtin.file_name == stem + ".yaml") {
                    const std::string origin = "built-in:" + std::string(builtin.file_name);
                    return FoundMap{load_builtin(builtin, origin), origin};
                }
    return std::nullopt;
}

}  // namespace uiokit::regmap
