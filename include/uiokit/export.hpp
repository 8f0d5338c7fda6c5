// What libuiokit.so exports. The library is built with -fvisibility=hidden and
// -fvisibility-inlines-hidden, so only declarations marked UIOKIT_EXPORT (the public API, and the
// few detail:: functions that public header templates call) are in its dynamic symbol table;
// everything else (sysfs parsing, the UIO protocol helpers, the device-tree internals) stays
// internal and can change without breaking programs linked against the shared library. The static
// library is unaffected: hidden symbols still link statically.
#pragma once

#define UIOKIT_EXPORT __attribute__((visibility("default")))
// For the library's own types nested in exported classes (Device::Impl), which would otherwise be
// exported with them.
#define UIOKIT_INTERNAL __attribute__((visibility("hidden")))
