namespace K8sWebhookHandler.Cli;

/// <summary>How <c>k8swh</c> ends, for scripts.</summary>
public static class ExitCodes
{
    /// <summary>The API answered with success (2xx); or help was asked for.</summary>
    public const int Ok = 0;

    /// <summary>The API refused the request (4xx: unknown delivery, bad filter, missing token...).</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong: unknown command or option, missing argument, bad number or URL.</summary>
    public const int Usage = 2;

    /// <summary>The API could not be reached, did not answer in time, or failed (5xx).</summary>
    public const int Unavailable = 3;
}
