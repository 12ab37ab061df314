using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Google.Rpc;

namespace NmtPractice.Api.Http;

/// <summary>
/// The OpenAPI 3.0 document of the HTTP/JSON API, generated from the gRPC contracts themselves: every service of this
/// assembly, every RPC's <c>google.api.http</c> route (path and query parameters, body), the messages as JSON schemas
/// in the proto3 JSON mapping the transcoder speaks (lowerCamelCase names, enums as names, Timestamps as RFC 3339),
/// and the .proto comments as descriptions. An RPC without a route is left out: the OpenAPI tests catch it.
/// </summary>
public static partial class OpenApiDocument
{
    public const string Path = "/openapi/v1.json";

    private const string ErrorSchema = "google.rpc.Status";

    private static readonly Lazy<string> Json = new(() => WithoutNulls(Build()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The document as served (built once).</summary>
    public static string Text => Json.Value;

    /// <summary>The gRPC services this assembly implements, from the generated code.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        .. typeof(OpenApiDocument).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true, Namespace: "NmtPractice.Api.V1" })
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(ServiceDescriptor))
            .Select(p => (ServiceDescriptor)p!.GetValue(null)!)
            .OrderBy(s => s.FullName, StringComparer.Ordinal),
    ];

    /// <summary>The routes of <paramref name="method"/>: its <c>google.api.http</c> rule and any additional bindings.</summary>
    public static IEnumerable<(string Verb, string Path, string Body)> Routes(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
        {
            yield break;
        }
        foreach (var binding in rule.AdditionalBindings.Prepend(rule))
        {
            var (verb, path) = binding.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("get", binding.Get),
                HttpRule.PatternOneofCase.Post => ("post", binding.Post),
                HttpRule.PatternOneofCase.Put => ("put", binding.Put),
                HttpRule.PatternOneofCase.Patch => ("patch", binding.Patch),
                HttpRule.PatternOneofCase.Delete => ("delete", binding.Delete),
                HttpRule.PatternOneofCase.Custom => (binding.Custom.Kind.ToLowerInvariant(), binding.Custom.Path),
                _ => ("", ""),
            };
            if (verb.Length > 0)
            {
                yield return (verb, path, binding.Body);
            }
        }
    }

    /// <summary>The operation id of an RPC in the document: <c>Service_Method</c>.</summary>
    public static string OperationId(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return $"{method.Service.Name}_{method.Name}";
    }

    private static JsonObject Build()
    {
        var schemas = new SchemaSet();
        var paths = new JsonObject();
        var tags = new JsonArray();
        foreach (var service in Services)
        {
            tags.Add(new JsonObject { ["name"] = service.Name, ["description"] = ProtoComments.For(service.FullName) ?? service.FullName });
            foreach (var method in service.Methods)
            {
                foreach (var (verb, path, body) in Routes(method))
                {
                    var item = paths[path] as JsonObject ?? new JsonObject();
                    paths[path] = item;
                    item[verb] = Operation(method, path, body, schemas);
                }
            }
        }
        // The error details a google.rpc.Status of this API carries (docs/api-http.md).
        foreach (var detail in new[] { ErrorInfo.Descriptor, BadRequest.Descriptor, PreconditionFailure.Descriptor, Alternatives.Descriptor })
        {
            schemas.Ref(detail);
        }
        schemas.Add(ErrorSchema, new JsonObject
        {
            ["type"] = "object",
            ["description"] = "An error (google.rpc.Status as JSON): the gRPC status code, a message, and details, each an object with "
                + "\"@type\": google.rpc.ErrorInfo (domain nmt.practice, reason a stable code), google.rpc.BadRequest (field "
                + "violations), google.rpc.PreconditionFailure, or nmt.practice.v1.Alternatives (the nearest free slots).",
            ["properties"] = new JsonObject
            {
                ["code"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "The gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 9 FAILED_PRECONDITION, 16 UNAUTHENTICATED, ...)." },
                ["message"] = new JsonObject { ["type"] = "string" },
                ["details"] = new JsonObject { ["type"] = "array", ["items"] = AnySchema() },
            },
        });
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "NmtPractice API",
                ["version"] = "v1",
                ["description"] = "The gRPC API (package nmt.practice.v1) as JSON over HTTP, generated from the .proto files. "
                    + "Every call needs `Authorization: Bearer <token>`; errors are google.rpc.Status objects with the gRPC "
                    + "code mapped to the HTTP status. Path scheme and conventions: docs/api-http.md.",
            },
            ["tags"] = tags,
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.ToJson(),
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
    }

    private static JsonObject Operation(MethodDescriptor method, string path, string body, SchemaSet schemas)
    {
        var input = method.InputType;
        var parameters = new JsonArray();
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match variable in PathVariable().Matches(path))
        {
            var fieldPath = variable.Groups[1].Value;
            bound.Add(fieldPath);
            var field = Resolve(input, fieldPath);
            parameters.Add(new JsonObject
            {
                ["name"] = fieldPath,
                ["in"] = "path",
                ["required"] = true,
                ["description"] = field is null ? null : ProtoComments.For(field.FullName),
                ["schema"] = field is null ? new JsonObject { ["type"] = "string" } : schemas.Field(field, ignoreRepeated: true),
            });
        }
        if (body != "*")
        {
            // Everything not in the path or the body comes from the query string (top-level fields; well-known types
            // such as Timestamp as their JSON strings).
            foreach (var field in input.Fields.InFieldNumberOrder())
            {
                if (bound.Contains(field.Name) || field.Name == body
                    || (field.FieldType == FieldType.Message && !SchemaSet.IsQueryable(field.MessageType)) || field.IsMap)
                {
                    continue;
                }
                parameters.Add(new JsonObject
                {
                    ["name"] = field.JsonName,
                    ["in"] = "query",
                    ["description"] = ProtoComments.For(field.FullName),
                    ["schema"] = schemas.Field(field),
                    ["style"] = field.IsRepeated ? "form" : null,
                    ["explode"] = field.IsRepeated ? true : null,
                });
            }
        }
        var grpcMethod = $"{method.Service.FullName}/{method.Name}";
        var description = ProtoComments.For(method.FullName);
        var operation = new JsonObject
        {
            ["operationId"] = OperationId(method),
            ["tags"] = new JsonArray(method.Service.Name),
            ["summary"] = method.Name,
            ["description"] = (description is null ? "" : description + "\n\n") + $"gRPC: `{grpcMethod}`"
                + (method.IsServerStreaming ? "\n\nStreamed: one JSON object per message, each on its own line." : ""),
            ["x-grpc-method"] = grpcMethod,
            ["parameters"] = parameters,
        };
        if (!string.IsNullOrEmpty(body))
        {
            var bodySchema = body == "*" ? schemas.Ref(input) : Resolve(input, body) is { } f ? schemas.Field(f) : new JsonObject();
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = bodySchema } },
            };
        }
        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = method.OutputType.Name,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Ref(method.OutputType) } },
            },
            ["default"] = new JsonObject
            {
                ["description"] = "An error: google.rpc.Status",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = SchemaSet.RefTo(ErrorSchema) } },
            },
        };
        return operation;
    }

    /// <summary>Drops the properties left null (no comment, no format): OpenAPI wants them absent, not null.</summary>
    private static JsonNode WithoutNulls(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                obj.Remove(key);
            }
            foreach (var (_, value) in obj)
            {
                WithoutNulls(value!);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                WithoutNulls(item!);
            }
        }
        return node;
    }

    private static FieldDescriptor? Resolve(MessageDescriptor message, string fieldPath)
    {
        FieldDescriptor? field = null;
        var current = message;
        foreach (var name in fieldPath.Split('.'))
        {
            field = current?.FindFieldByName(name);
            current = field?.FieldType == FieldType.Message ? field.MessageType : null;
        }
        return field;
    }

    private static JsonObject AnySchema() => new()
    {
        ["type"] = "object",
        ["description"] = "A message of the type named by \"@type\", with its fields beside it.",
        ["properties"] = new JsonObject { ["@type"] = new JsonObject { ["type"] = "string" } },
        ["additionalProperties"] = true,
    };

    [GeneratedRegex(@"\{([\w.]+)(?:=[^}]*)?\}")]
    private static partial Regex PathVariable();

    /// <summary>The schemas the document refers to, added as they are first referred to.</summary>
    private sealed class SchemaSet
    {
        private readonly SortedDictionary<string, JsonNode> _schemas = new(StringComparer.Ordinal);

        public static JsonObject RefTo(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

        /// <summary>Well-known types written as one JSON value, so they can sit in a query string.</summary>
        public static bool IsQueryable(MessageDescriptor message) => WellKnown(message) is not null && message.FullName != "google.protobuf.Struct";

        public void Add(string name, JsonNode schema) => _schemas[name] = schema;

        public JsonObject ToJson()
        {
            var json = new JsonObject();
            foreach (var (name, schema) in _schemas)
            {
                json[name] = schema;
            }
            return json;
        }

        public JsonObject Ref(MessageDescriptor message)
        {
            if (WellKnown(message) is { } wellKnown)
            {
                return wellKnown;
            }
            if (!_schemas.ContainsKey(message.FullName))
            {
                _schemas[message.FullName] = new JsonObject(); // placeholder: recursive messages refer to themselves
                var properties = new JsonObject();
                foreach (var field in message.Fields.InFieldNumberOrder())
                {
                    properties[field.JsonName] = Field(field);
                }
                _schemas[message.FullName] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = ProtoComments.For(message.FullName),
                    ["properties"] = properties,
                };
            }
            return RefTo(message.FullName);
        }

        public JsonObject Field(FieldDescriptor field, bool ignoreRepeated = false)
        {
            JsonObject schema;
            if (field.IsMap)
            {
                var value = field.MessageType.FindFieldByNumber(2);
                schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = Single(value) };
            }
            else if (field.IsRepeated && !ignoreRepeated)
            {
                schema = new JsonObject { ["type"] = "array", ["items"] = Single(field) };
            }
            else
            {
                schema = Single(field);
            }
            if (ProtoComments.For(field.FullName) is { } comment && !schema.ContainsKey("$ref"))
            {
                schema["description"] = comment;
            }
            return schema;
        }

        private JsonObject Single(FieldDescriptor field) => field.FieldType switch
        {
            FieldType.Double => Scalar("number", "double"),
            FieldType.Float => Scalar("number", "float"),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => Scalar("integer", "int64"),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Scalar("integer", "int32"),
            FieldType.UInt32 or FieldType.Fixed32 => Scalar("integer", "int64"),
            FieldType.Bool => Scalar("boolean", null),
            FieldType.String => Scalar("string", null),
            FieldType.Bytes => Scalar("string", "byte"),
            FieldType.Enum => Enum(field.EnumType),
            _ => Ref(field.MessageType),
        };

        private JsonObject Enum(EnumDescriptor type)
        {
            if (!_schemas.ContainsKey(type.FullName))
            {
                var values = type.Values.Select(v => (v.Name, Comment: ProtoComments.For(v.FullName))).ToList();
                var described = values.Where(v => v.Comment is not null).Select(v => $"{v.Name}: {v.Comment}").ToList();
                var comment = ProtoComments.For(type.FullName);
                _schemas[type.FullName] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v.Name)]),
                    ["description"] = described.Count == 0 ? comment : string.Join('\n', new[] { comment }.Concat(described).Where(s => s is not null)),
                };
            }
            return RefTo(type.FullName);
        }

        private static JsonObject Scalar(string type, string? format) => new() { ["type"] = type, ["format"] = format };

        private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
        {
            "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["description"] = "Seconds with an s suffix, e.g. \"1.5s\"." },
            "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string" },
            "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
            "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true },
            "google.protobuf.Any" => AnySchema(),
            "google.protobuf.StringValue" => new JsonObject { ["type"] = "string", ["nullable"] = true },
            "google.protobuf.BoolValue" => new JsonObject { ["type"] = "boolean", ["nullable"] = true },
            "google.protobuf.Int32Value" => new JsonObject { ["type"] = "integer", ["format"] = "int32", ["nullable"] = true },
            "google.protobuf.Int64Value" => new JsonObject { ["type"] = "integer", ["format"] = "int64", ["nullable"] = true },
            "google.protobuf.DoubleValue" => new JsonObject { ["type"] = "number", ["format"] = "double", ["nullable"] = true },
            _ => null,
        };
    }
}
