using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Serialization.SystemTextJson;
using Orleans.Serialization;

namespace NmtPractice.Grains.Abstractions;

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

    private static JsonSerializerOptions CreateJsonOptions() => Configure(new JsonSerializerOptions(JsonSerializerDefaults.General));

    /// <summary>Sets up <paramref name="options"/> the way NmtPractice writes JSON: NodaTime values, data properties only.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DataOnly } };
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return options;
    }

    /// <summary>
    /// Domain records carry their data in settable (init) properties; read-only properties such as
    /// <c>Clinic.Zone</c> or <c>Refusal.Code</c> are derived from it and are not written.
    /// </summary>
    private static void DataOnly(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !IsCarriedAsJson(typeInfo.Type))
        {
            return;
        }
        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            if (typeInfo.Properties[i].Set is null)
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }
}
