// What the agent needs from the machine, checked before loading anything, each
// failure as one sentence naming what is missing.
#pragma once

#include "user/result.h"

namespace tripline {

Result<Ok> check_machine();

}  // namespace tripline
