#include <uiokit/regmap/search.hpp>

#include <uiokit/regmap/compiled_map.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
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

namespace {

// lexically_normal(program's directory / relative) as text, for the usual case of a canonical
// program path and a relative path of "../" steps then plain names (every regtool run computes
// it, and std::filesystem::path splits at every '/'); nothing for anything else.
std::optional<std::string> join_normal(const std::string& program, std::string_view relative) {
    if (!program.starts_with('/') || program.find("/./") != std::string::npos || program.find("/../") != std::string::npos ||
        program.find("//") != std::string::npos)
        return std::nullopt;
    std::string dir = program.substr(0, program.rfind('/'));
    while (relative.starts_with("../")) {
        if (dir.empty()) return std::nullopt;
        dir.erase(dir.rfind('/'));
        relative.remove_prefix(3);
    }
    if (relative.empty() || relative.find("./") != std::string_view::npos || relative.find("//") != std::string_view::npos ||
        relative.starts_with('/') || relative.ends_with('/') || relative.ends_with("."))
        return std::nullopt;
    return dir + "/" + std::string(relative);
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::filesystem::path installed_map_directory_for(const std::filesystem::path& program) {
    if (const auto beside = join_normal(program.native(), map_directory_from_bindir()))
        return is_directory(*beside) ? std::filesystem::path(*beside) : configured_map_directory();
    auto beside = (program.parent_path() / map_directory_from_bindir()).lexically_normal();
    std::error_code ec;
    if (std::filesystem::is_directory(beside, ec)) return beside;
    return configured_map_directory();
}

std::filesystem::path installed_map_directory() {
    static const std::filesystem::path directory = [] {
        std::string program(PATH_MAX, '\0');
        const ssize_t length = ::readlink("/proc/self/exe", program.data(), program.size());
        if (length <= 0 || static_cast<std::size_t>(length) >= program.size()) return configured_map_directory();  // no /proc
        program.resize(static_cast<std::size_t>(length));
        return installed_map_directory_for(program);
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
            // Joined as text, as operator/ joins a file name; a path is built only for the map found.
            std::string file = dir.native();
            if (!file.empty() && !file.ends_with('/')) file += '/';
            file += stem + ".yaml";
            struct stat st {};
            if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return FoundMap{load_map_file(file, path), file};
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
