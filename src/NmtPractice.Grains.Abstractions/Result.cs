namespace NmtPractice.Grains.Abstractions;

/// <summary>The outcome of a grain call that can be refused: a value, or the refusal that says why not.</summary>
[GenerateSerializer, Immutable, Alias("nmt.Result`1")]
public sealed record Result<T>([property: Id(0)] T? Value, [property: Id(1)] Refusal? Refusal)
{
    public bool IsOk => Refusal is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Refusal refusal) => new(default, refusal);

    public static implicit operator Result<T>(Refusal refusal) => Fail(refusal);
}
