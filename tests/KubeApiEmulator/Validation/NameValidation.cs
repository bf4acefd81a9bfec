using System.Text.RegularExpressions;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Validation;

/// <summary>The API machinery's name and label syntax rules, with the messages it gives.</summary>
public static partial class NameValidation
{
    public const int LabelValueMaxLength = 63;
    public const int SubdomainMaxLength = 253;

    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string Dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private const string QualifiedNameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    /// <summary>Errors for an object name under a kind's rule; empty when the name is valid.</summary>
    public static IReadOnlyList<string> ValidateName(string name, NameRule rule) => rule switch
    {
        NameRule.Dns1123Label => CheckDns1123Label(name),
        NameRule.Dns1035Label => Check(name, 63, Dns1035Label(), Dns1035LabelMessage),
        NameRule.PathSegment => CheckPathSegment(name),
        _ => CheckDns1123Subdomain(name),
    };

    public static IReadOnlyList<string> CheckDns1123Label(string value) => Check(value, 63, Dns1123Label(), Dns1123LabelMessage);

    public static IReadOnlyList<string> CheckDns1123Subdomain(string value) =>
        Check(value, SubdomainMaxLength, Dns1123Subdomain(), Dns1123SubdomainMessage);

    /// <summary>A label or annotation key: an optional DNS subdomain prefix, '/', and a name part.</summary>
    public static IReadOnlyList<string> CheckQualifiedName(string key)
    {
        var errors = new List<string>();
        var parts = key.Split('/');
        string name;
        if (parts.Length == 1)
        {
            name = parts[0];
        }
        else if (parts.Length == 2)
        {
            var prefix = parts[0];
            name = parts[1];
            if (prefix.Length == 0)
            {
                errors.Add("prefix part must be non-empty");
            }
            else
            {
                errors.AddRange(CheckDns1123Subdomain(prefix).Select(e => "prefix part " + e));
            }
        }
        else
        {
            return [QualifiedNameMessage.Replace("name part must", "a qualified name must", StringComparison.Ordinal) +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else
        {
            if (name.Length > 63)
            {
                errors.Add("name part must be no more than 63 characters");
            }

            if (!QualifiedNamePart().IsMatch(name))
            {
                errors.Add(QualifiedNameMessage);
            }
        }

        return errors;
    }

    public static IReadOnlyList<string> CheckLabelValue(string value)
    {
        var errors = new List<string>();
        if (value.Length > LabelValueMaxLength)
        {
            errors.Add($"must be no more than {LabelValueMaxLength} characters");
        }

        if (!LabelValue().IsMatch(value))
        {
            errors.Add(LabelValueMessage);
        }

        return errors;
    }

    private static List<string> Check(string value, int maxLength, Regex regex, string message)
    {
        var errors = new List<string>();
        if (value.Length > maxLength)
        {
            errors.Add($"must be no more than {maxLength} characters");
        }

        if (!regex.IsMatch(value))
        {
            errors.Add(message);
        }

        return errors;
    }

    private static List<string> CheckPathSegment(string name)
    {
        if (name is "." or "..")
        {
            return [$"may not be '{name}'"];
        }

        foreach (var bad in new[] { "/", "%" })
        {
            if (name.Contains(bad, StringComparison.Ordinal))
            {
                return [$"may not contain '{bad}'"];
            }
        }

        return [];
    }
}
