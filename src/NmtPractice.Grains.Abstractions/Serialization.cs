using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Serialization.SystemTextJson;
using Orleans.Serialization;

namespace NmtPractice.Grains;

/// <summary>
/// The domain stays free of Orleans attributes, so Orleans carries domain records (and NodaTime values) as JSON.
/// Grain messages of our own are [GenerateSerializer] records that may contain them.
/// </summary>
public static class Serialization
{
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    public static ISerializerBuilder AddNmtSerialization(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(IsCarriedAsJson, JsonOptions);

    public static bool IsCarriedAsJson(Type type) =>
        type.Namespace is { } ns && (ns.StartsWith("NmtPractice.Domain", StringComparison.Ordinal) || ns == "NodaTime");

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General);
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return options;
    }
}
