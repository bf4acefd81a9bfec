namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// The <c>payload</c> field of a form-encoded body (a hook set to <c>application/x-www-form-urlencoded</c>),
/// URL-decoded as it is read, so that the JSON inside is never held whole. Other fields are skipped.
/// </summary>
internal sealed class FormPayloadStream(Stream form) : Stream
{
    private const string Field = "payload";

    private readonly byte[] _chunk = new byte[16 * 1024];
    private int _keyLength;
    private bool _keyMatches = true;
    private int _position;
    private int _filled;
    private State _state = State.Key;
    private int _escape = -1;
    private bool _found;

    private enum State
    {
        Key,
        OtherValue,
        Payload,
        Done,
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var written = 0;
        while (written == 0 && _state != State.Done && buffer.Length > 0)
        {
            if (_position == _filled)
            {
                _filled = await form.ReadAsync(_chunk, cancellationToken);
                _position = 0;
                if (_filled == 0)
                {
                    End();
                    break;
                }
            }

            written = Decode(buffer.Span);
        }

        return written;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("read the payload asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Decodes from the chunk into <paramref name="output"/> until either runs out; returns the bytes written.</summary>
    private int Decode(Span<byte> output)
    {
        var written = 0;
        while (_position < _filled && written < output.Length && _state != State.Done)
        {
            var b = _chunk[_position++];
            switch (_state)
            {
                case State.Key when b == '=':
                    _state = _keyMatches && _keyLength == Field.Length ? State.Payload : State.OtherValue;
                    _found |= _state == State.Payload;
                    NextKey();
                    break;
                case State.Key when b == '&':
                    NextKey();
                    break;
                case State.Key:
                    _keyMatches &= _keyLength < Field.Length && Field[_keyLength] == b;
                    _keyLength++;
                    break;
                case State.OtherValue when b == '&':
                    _state = State.Key;
                    break;
                case State.OtherValue:
                    break;
                case State.Payload when b == '&' && _escape == -1:
                    _state = State.Done;
                    break;
                case State.Payload:
                    if (DecodePayloadByte(b) is { } decoded)
                    {
                        output[written++] = decoded;
                    }

                    break;
            }
        }

        return written;
    }

    /// <summary>One byte of the payload's value: <c>+</c> is a space, <c>%XY</c> a byte; null while an escape is incomplete.</summary>
    private byte? DecodePayloadByte(byte b)
    {
        if (_escape == -1 && b != '%')
        {
            return b == '+' ? (byte)' ' : b;
        }

        if (b == '%' && _escape == -1)
        {
            _escape = -2;
            return null;
        }

        var digit = HexDigit(b) ?? throw new WebhookPayloadException("the form's payload field has a malformed %-escape");
        if (_escape == -2)
        {
            _escape = digit;
            return null;
        }

        var value = (byte)((_escape << 4) | digit);
        _escape = -1;
        return value;
    }

    private static int? HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => null,
    };

    private void NextKey()
    {
        _keyLength = 0;
        _keyMatches = true;
    }

    private void End()
    {
        if (!_found)
        {
            throw new WebhookPayloadException("form body without a payload field");
        }

        if (_escape != -1)
        {
            throw new WebhookPayloadException("the form's payload field has a malformed %-escape");
        }

        _state = State.Done;
    }
}
