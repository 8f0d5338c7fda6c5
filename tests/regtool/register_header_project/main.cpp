// Prints what the generated header says of CTRL, so the test sees a map edit reach the program.
#include <cstdio>

#include <widget/registers.hpp>

int main() {
    std::printf("CTRL reset 0x%x\n", static_cast<unsigned>(widget::regs::CTRL::reset));
    return 0;
}
