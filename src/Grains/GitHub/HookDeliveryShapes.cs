using K8sWebhookHandler.Grains.Recovery;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>GitHub's "simple webhook delivery", as Octokit's serializer reads it (snake_case to these names).</summary>
public sealed class AttemptShape
{
    public long Id { get; set; }

    public string Guid { get; set; } = "";

    public DateTimeOffset DeliveredAt { get; set; }

    public bool Redelivery { get; set; }

    public int StatusCode { get; set; }

    public string Event { get; set; } = "";

    public HookAttempt ToAttempt() => new(Id, Guid, DeliveredAt, Redelivery, StatusCode, Event);
}

/// <summary>The part of GitHub's "webhook delivery" read here: the payload's repository.</summary>
public sealed class DeliveryShape
{
    public RequestShape? Request { get; set; }
}

public sealed class RequestShape
{
    public PayloadShape? Payload { get; set; }
}

public sealed class PayloadShape
{
    public RepositoryShape? Repository { get; set; }
}

public sealed class RepositoryShape
{
    public string? FullName { get; set; }
}
