// decider/decider.hpp — the umbrella header: every public header of the core, nothing else.
// Testing and detail headers are included on their own.
#pragma once

#include "decider/combine.hpp"
#include "decider/concepts.hpp"
#include "decider/config.hpp"
#include "decider/extend.hpp"
#include "decider/fold.hpp"
#include "decider/make.hpp"
#include "decider/many.hpp"
#include "decider/map.hpp"
#include "decider/orchestrate.hpp"
#include "decider/visit.hpp"
