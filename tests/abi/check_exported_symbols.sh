#!/usr/bin/env bash
# The shared library exports its public API and nothing of its internals (include/uiokit/export.hpp):
# no uiokit::sysfs, uio_protocol, devicetree (the lowercase internal namespace) or sim names, no
# Device::Impl or Interrupt::State, and of uiokit::detail only the functions that public header
# templates call. And it does export the public API, so an empty or unreadable symbol table fails.
# usage: check_exported_symbols.sh NM LIBRARY
set -euo pipefail
nm=$1 library=$2

# "ADDRESS TYPE NAME", NAME demangled and possibly with spaces.
symbols=$("$nm" -D --defined-only -C "$library" | sed -E 's/^[0-9a-fA-F]+ [A-Za-z] //')
failed=0

for wanted in 'uiokit::Device::open(' 'uiokit::Device::map(unsigned int)' 'uiokit::Interrupt::wait()' \
              'uiokit::WaitCanceller::cancel()' 'uiokit::enumerate(' 'uiokit::find(' 'uiokit::Selector::parse(' \
              'uiokit::DeviceTree::load(' 'uiokit::BusErrorGuard::BusErrorGuard()' 'typeinfo for uiokit::Error' \
              'typeinfo for uiokit::DeviceRemovedError' 'uiokit::detail::guarded_access(' \
              'uiokit::Device::map_whole_pages(unsigned int)' 'uiokit::DmaBuffer::from_uio_map(' \
              'uiokit::DmaBuffer::open_uio_map(' 'uiokit::DmaBuffer::bus_address(' 'uiokit::DmaAllocator::allocate(' \
              'uiokit::bind_to_uio(' 'uiokit::unbind_from_uio(' 'typeinfo for uiokit::BindError'; do
    if ! grep -qF -- "$wanted" <<< "$symbols"; then
        echo "FAIL: $library does not export $wanted (public API)"
        failed=1
    fi
done

internal=$(grep -E 'uiokit::(sysfs|uio_protocol|devicetree|sim)::|uiokit::Device::Impl|uiokit::DmaBuffer::Impl|uiokit::Interrupt::State|WaitGuard' \
           <<< "$symbols" || true)
# uiokit::detail functions that public templates (register.hpp, register_block.hpp, region.hpp)
# call from the user's code: these must stay exported.
detail_allowed='uiokit::detail::(guarded_access|throw_block_too_small|throw_block_read_only|throw_block_misaligned|throw_field_overflow|throw_signed_field_overflow)\('
detail=$(grep -E 'uiokit::detail::' <<< "$symbols" | grep -vE "^$detail_allowed" || true)
if [[ -n $internal || -n $detail ]]; then
    echo "FAIL: $library exports internal names:"
    printf '%s\n' "$internal" "$detail" | sed '/^$/d; s/^/  /'
    failed=1
fi

[[ $failed == 0 ]] || exit 1
echo "exported symbols: $(wc -l <<< "$symbols") public, none internal"
