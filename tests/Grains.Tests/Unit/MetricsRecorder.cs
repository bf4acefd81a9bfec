using System.Diagnostics.Metrics;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>One measurement: its value and labels.</summary>
public sealed record Measurement(double Value, IReadOnlyDictionary<string, string> Labels)
{
    public string this[string label] => Labels[label];
}

/// <summary>
/// A <see cref="HandlerMetrics"/> of its own (its own meter factory, so other hosts in the test process never count) and
/// what its instruments record, by instrument name, as a <see cref="MeterListener"/> sees them.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Instrument, Measurement Measurement)> _measurements = [];

    public MetricsRecorder(TimeProvider? time = null)
    {
        var services = new ServiceCollection().AddHandlerMetrics();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
        Metrics = _services.GetRequiredService<HandlerMetrics>();
    }

    public HandlerMetrics Metrics { get; }

    /// <summary>Instruments nobody listens to, for a test about something else.</summary>
    public static HandlerMetrics Unobserved() => new ServiceCollection().AddHandlerMetrics().BuildServiceProvider().GetRequiredService<HandlerMetrics>();

    /// <summary>What the instrument recorded so far; the gauges are read now.</summary>
    public IReadOnlyList<Measurement> Of(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Measurement).ToList();
        }
    }

    /// <summary>Forgets what was recorded so far: a test that shares the instruments counts from here.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _measurements.Clear();
        }
    }

    /// <summary>What an observable gauge reads now.</summary>
    public double Read(string gauge)
    {
        lock (_gate)
        {
            _measurements.RemoveAll(m => m.Instrument == gauge);
        }

        return Assert.Single(Of(gauge)).Value;
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new Dictionary<string, string>();
        foreach (var tag in tags)
        {
            labels[tag.Key] = tag.Value?.ToString() ?? "";
        }

        lock (_gate)
        {
            _measurements.Add((instrument.Name, new Measurement(value, labels)));
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
