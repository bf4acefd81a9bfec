using System.Text.RegularExpressions;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>Checks that more than one subsystem's validator makes of its settings.</summary>
public static class SettingChecks
{
    /// <summary>Why <paramref name="pattern"/> is not a regular expression, or null when it is one (or is unset).</summary>
    /// <param name="setting">The setting's key, e.g. <c>Handler:IgnoreRefs</c>.</param>
    /// <param name="pattern">Its value.</param>
    public static string? RegexProblem(string setting, string? pattern)
    {
        if (pattern is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"{setting} is not a valid regular expression: {e.Message}";
        }
    }
}
