// uiokit: user-space drivers for devices bound to Linux UIO (uio_pdrv_genirq).
#pragma once

#include <uiokit/binding.hpp>
#include <uiokit/bus_error.hpp>
#include <uiokit/device.hpp>
#include <uiokit/device_info.hpp>
#include <uiokit/devicetree.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/dma_barrier.hpp>
#include <uiokit/dma_buffer.hpp>
#include <uiokit/error.hpp>
#include <uiokit/host.hpp>
#include <uiokit/interrupt.hpp>
#include <uiokit/mmio.hpp>
#include <uiokit/recording_bus.hpp>
#include <uiokit/region.hpp>
#include <uiokit/register.hpp>
#include <uiokit/register_block.hpp>
#include <uiokit/selector.hpp>
#include <uiokit/unique_fd.hpp>
#include <uiokit/version.hpp>
