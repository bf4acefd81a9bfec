using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Validation;

/// <summary>Validates object metadata the way the API server's generic ObjectMeta validation does.</summary>
public static class ObjectValidator
{
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    /// <summary>Throws a 422 Status listing every metadata error of <paramref name="obj"/>.</summary>
    public static void Validate(ResourceType type, JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        var name = metadata["name"]?.GetValue<string>() ?? "";
        var causes = new List<StatusCause>();

        if (name.Length == 0)
        {
            causes.Add(new("FieldValueRequired", "Required value: name or generateName is required", "metadata.name"));
        }
        else
        {
            causes.AddRange(NameValidation.ValidateName(name, type.NameRule).Select(e => Invalid("metadata.name", name, e)));
        }

        foreach (var (key, value) in Map(metadata, "labels"))
        {
            causes.AddRange(NameValidation.CheckQualifiedName(key).Select(e => Invalid("metadata.labels", key, e)));
            causes.AddRange(NameValidation.CheckLabelValue(value).Select(e => Invalid("metadata.labels", value, e)));
        }

        var annotationBytes = 0L;
        foreach (var (key, value) in Map(metadata, "annotations"))
        {
            causes.AddRange(NameValidation.CheckQualifiedName(key.ToLowerInvariant())
                .Select(e => Invalid("metadata.annotations", key, e)));
            annotationBytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }

        if (annotationBytes > TotalAnnotationSizeLimit)
        {
            causes.Add(new("FieldValueTooLong", $"Too long: may not be more than {TotalAnnotationSizeLimit} bytes", "metadata.annotations"));
        }

        if (causes.Count > 0)
        {
            throw KubeStatusException.Invalid(type, name, causes);
        }
    }

    /// <summary>A <c>generateName</c> is checked as the name rule allows a prefix: trailing dashes trimmed.</summary>
    public static void ValidateGenerateName(ResourceType type, string generateName)
    {
        var errors = NameValidation.ValidateName(generateName.TrimEnd('-'), type.NameRule);
        if (errors.Count > 0)
        {
            throw KubeStatusException.Invalid(type, "", errors.Select(e => Invalid("metadata.generateName", generateName, e)).ToArray());
        }
    }

    private static StatusCause Invalid(string field, string value, string message) =>
        new("FieldValueInvalid", $"Invalid value: \"{value}\": {message}", field);

    private static IEnumerable<(string Key, string Value)> Map(JsonObject metadata, string property)
    {
        if (metadata[property] is not JsonObject map)
        {
            yield break;
        }

        foreach (var (key, value) in map)
        {
            yield return (key, value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "");
        }
    }
}
