#pragma once

// Internal to core/random: registration of the built-in distribution types. Their classes
// live in the .cpp files; everything else reaches them through the DistributionRegistry.

namespace sf {

class DistributionRegistry;

/// constant, uniform, normal, truncatedNormal, logNormal, beta.
void registerContinuousDistributions(DistributionRegistry& registry);
/// categorical, bernoulli, assetChoice.
void registerDiscreteDistributions(DistributionRegistry& registry);
/// mixture, linked, conditional.
void registerCompositeDistributions(DistributionRegistry& registry);

/// All of the above, in that order.
void registerBuiltinDistributions(DistributionRegistry& registry);

}  // namespace sf
