// decider/decider.hpp — the umbrella header: every public header of the core, nothing else.
// Store, testing and detail headers are included on their own.
#pragma once

#include "decider/concepts.hpp"
#include "decider/config.hpp"
#include "decider/fold.hpp"
#include "decider/make.hpp"
#include "decider/visit.hpp"
