// The message of a Boost.Program_options error, safe for any command line.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <boost/program_options/errors.hpp>

namespace uiokit::tools {

// Boost.Program_options (1.74) fills the %option%-style placeholders of its messages until none is
// left, so an argument that itself contains one ("--%canonical_option%x") makes what() loop for
// ever. When an argument has a '%', the message is made here from the error's kind and the
// option's name.
inline std::string describe_option_error(const boost::program_options::error& e, const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    if (std::none_of(args.begin(), args.end(), [](const std::string& a) { return a.find('%') != std::string::npos; }))
        return e.what();
    const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
    const std::string option = named ? " '" + named->get_option_name() + "'" : "";
    if (dynamic_cast<const po::unknown_option*>(&e)) return "unrecognised option" + option;
    if (dynamic_cast<const po::invalid_option_value*>(&e)) return "the value of option" + option + " is invalid";
    if (dynamic_cast<const po::multiple_occurrences*>(&e)) return "option" + option + " given more than once";
    if (dynamic_cast<const po::required_option*>(&e)) return "option" + option + " is required";
    return "invalid command line" + (option.empty() ? "" : " at option" + option);
}

}  // namespace uiokit::tools
