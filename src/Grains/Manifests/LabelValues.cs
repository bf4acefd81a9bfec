using System.Security.Cryptography;
using System.Text;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Makes label values from arbitrary text: at most 63 characters of <c>[A-Za-z0-9._-]</c>, starting and ending
/// alphanumeric. '/' becomes '.', anything else invalid becomes '-'; text that does not fit keeps a readable
/// prefix and ends in a hash of the whole, so distinct long inputs stay distinct.
/// </summary>
public static class LabelValues
{
    public const int MaxLength = 63;
    private const int HashLength = 10;

    /// <summary>Whether <paramref name="text"/> is a label value as it is: at most 63 characters, empty or <c>[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?</c>.</summary>
    public static bool IsValid(string text) =>
        text.Length <= MaxLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && Trim(text).Length == text.Length;

    public static string From(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : c == '/' ? '.' : '-');
        }

        var value = Trim(builder.ToString());
        if (value.Length <= MaxLength)
        {
            return value;
        }

        var prefix = Trim(value[..(MaxLength - HashLength - 1)]);
        return $"{prefix}-{Hash(text, HashLength)}";
    }

    /// <summary>Lower-case letters and digits from a SHA-256 of the text.</summary>
    public static string Hash(string text, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[bytes[i] % alphabet.Length];
        }

        return new string(chars);
    }

    private static string Trim(string value)
    {
        var start = 0;
        while (start < value.Length && !char.IsAsciiLetterOrDigit(value[start]))
        {
            start++;
        }

        var end = value.Length;
        while (end > start && !char.IsAsciiLetterOrDigit(value[end - 1]))
        {
            end--;
        }

        return value[start..end];
    }
}
