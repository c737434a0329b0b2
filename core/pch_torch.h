// Precompiled header of the torch targets: the torch headers take most of each file's compile time.
#pragma once
#include <torch/torch.h>
