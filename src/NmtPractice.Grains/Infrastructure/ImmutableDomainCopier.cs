using Orleans.Serialization.Cloning;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Domain records are immutable (positional records over read-only lists that nothing mutates) and NodaTime values
/// are immutable structs, so within a silo Orleans may pass them by reference instead of deep-copying them (which,
/// for types carried as JSON, means serializing and parsing on every local call).
/// </summary>
public sealed class ImmutableDomainCopier : IGeneralizedCopier
{
    public bool IsSupportedType(Type type) => Serialization.IsCarriedAsJson(type);

    public object? DeepCopy(object? input, CopyContext context) => input;
}
