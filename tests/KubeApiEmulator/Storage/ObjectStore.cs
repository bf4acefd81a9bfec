using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Storage;

/// <summary>Identity of a stored object; <see cref="Namespace"/> is empty for cluster-scoped kinds.</summary>
public readonly record struct ObjectKey(string Group, string Plural, string Namespace, string Name)
{
    public static ObjectKey Of(ResourceType type, string? ns, string name) => new(type.Group, type.Plural, ns ?? "", name);
}

/// <summary>A change as watchers see it. <see cref="Previous"/> is the object before a modification.</summary>
public sealed record StoredEvent(string Type, long ResourceVersion, ObjectKey Key, JsonObject Object, JsonObject? Previous);

/// <summary>
/// All objects, one monotonically increasing resourceVersion, and a bounded history of changes for watches
/// to resume from. Callers hold <see cref="Gate"/> around a read-modify-write so that it is atomic.
/// </summary>
public sealed class ObjectStore(int historyCapacity = 50_000)
{
    private readonly Dictionary<ObjectKey, JsonObject> _objects = [];
    private readonly Queue<StoredEvent> _history = new();
    private readonly List<Subscription> _subscriptions = [];
    private long _resourceVersion = 1;

    public Lock Gate { get; } = new();

    public long ResourceVersion
    {
        get
        {
            lock (Gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>The oldest resourceVersion a watch may still resume from.</summary>
    public long OldestResumable => _history.Count == 0 ? _resourceVersion : _history.Peek().ResourceVersion - 1;

    public JsonObject? Get(ObjectKey key) => _objects.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<ObjectKey, JsonObject>> List(ResourceType type, string? ns) =>
        _objects.Where(o => o.Key.Group == type.Group && o.Key.Plural == type.Plural && (ns is null || o.Key.Namespace == ns))
            .OrderBy(o => o.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(o => o.Key.Name, StringComparer.Ordinal);

    /// <summary>
    /// Stores a copy of an object under a fresh resourceVersion and tells watchers. Stored objects are never
    /// mutated afterwards, so watchers may read them without the lock.
    /// </summary>
    public JsonObject Put(ObjectKey key, JsonObject value)
    {
        var obj = (JsonObject)value.DeepClone();
        var previous = _objects.GetValueOrDefault(key);
        var rv = ++_resourceVersion;
        obj["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        _objects[key] = obj;
        Publish(new(previous is null ? "ADDED" : "MODIFIED", rv, key, obj, previous));
        return obj;
    }

    public JsonObject? Remove(ObjectKey key)
    {
        if (!_objects.Remove(key, out var removed))
        {
            return null;
        }

        var rv = ++_resourceVersion;
        var final = (JsonObject)removed.DeepClone();
        final["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        Publish(new("DELETED", rv, key, final, removed));
        return final;
    }

    /// <summary>
    /// Subscribes to changes after <paramref name="fromResourceVersion"/>, replaying retained history first.
    /// Returns null when that version is older than the retained history (the caller answers 410 Gone).
    /// </summary>
    public Subscription? Subscribe(Func<ObjectKey, bool> filter, long fromResourceVersion)
    {
        if (fromResourceVersion < OldestResumable)
        {
            return null;
        }

        var subscription = new Subscription(this, filter);
        foreach (var stored in _history.Where(e => e.ResourceVersion > fromResourceVersion && filter(e.Key)))
        {
            subscription.Offer(stored);
        }

        _subscriptions.Add(subscription);
        return subscription;
    }

    private void Publish(StoredEvent stored)
    {
        _history.Enqueue(stored);
        while (_history.Count > historyCapacity)
        {
            _history.Dequeue();
        }

        foreach (var subscription in _subscriptions.Where(s => s.Filter(stored.Key)))
        {
            subscription.Offer(stored);
        }
    }

    /// <summary>A live feed of changes for one watch request.</summary>
    public sealed class Subscription(ObjectStore store, Func<ObjectKey, bool> filter) : IDisposable
    {
        private readonly Channel<StoredEvent> _channel = Channel.CreateUnbounded<StoredEvent>(new() { SingleReader = true });

        internal Func<ObjectKey, bool> Filter { get; } = filter;

        public ChannelReader<StoredEvent> Events => _channel.Reader;

        internal void Offer(StoredEvent stored) => _channel.Writer.TryWrite(stored);

        public void Dispose()
        {
            lock (store.Gate)
            {
                store._subscriptions.Remove(this);
            }

            _channel.Writer.TryComplete();
        }
    }
}
