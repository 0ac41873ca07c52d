using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Serverless.Core.Media;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Files;

/// <summary>
/// <c>GET /system/{*key}</c>: media files from the media store, where the store's public URLs
/// point. Keys never change content (processing writes new random keys), so responses are
/// cached for a year. Uploads awaiting processing (<see cref="MediaKeys.PrivatePrefix"/>) are
/// never served: they may carry GPS tags.
/// </summary>
public static class MediaFilesEndpoints
{
    private const int MaxKeyLength = 1024;

    public static async Task Show(ApiRequest request)
    {
        var key = request.Route("key");
        if (!IsServable(key))
        {
            throw ApiException.NotFound();
        }

        MediaBlob? blob;
        try
        {
            blob = await request.Service<IMediaStore>().OpenReadAsync(key, request.Aborted);
        }
        catch (ArgumentException)
        {
            // A store with stricter key rules than ours.
            blob = null;
        }

        if (blob is null)
        {
            throw ApiException.NotFound();
        }

        await using (blob)
        {
            await SendAsync(request.Http, blob);
        }
    }

    /// <summary>
    /// Whether a key may be served: relative segments of ASCII letters, digits and <c>- _ . ~</c>,
    /// none empty or starting with a dot (so no <c>..</c>), and not a private upload.
    /// </summary>
    public static bool IsServable(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || !MediaKeys.IsPublic(key))
        {
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment[0] == '.' || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task SendAsync(HttpContext http, MediaBlob blob)
    {
        var response = http.Response;
        response.ContentType = blob.ContentType;
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        response.Headers.XContentTypeOptions = "nosniff";
        // Even a file a browser would render as a document cannot run script or submit forms.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; form-action 'none'";
        response.Headers.AcceptRanges = "bytes";

        long start = 0;
        var length = blob.Length;
        if (blob.Content.CanSeek && RangeOf(http.Request, blob.Length) is { } range)
        {
            if (range.Start < 0)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{blob.Length.ToString(CultureInfo.InvariantCulture)}";
                return;
            }

            (start, length) = (range.Start, range.Length);
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{start + length - 1}/{blob.Length}");
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
        }

        response.ContentLength = length;
        if (HttpMethods.IsHead(http.Request.Method))
        {
            return;
        }

        if (start > 0)
        {
            blob.Content.Seek(start, SeekOrigin.Begin);
        }

        var buffer = new byte[81920];
        var remaining = length;
        while (remaining > 0)
        {
            var read = await blob.Content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), http.RequestAborted);
            if (read == 0)
            {
                break;
            }

            await response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
            remaining -= read;
        }
    }

    /// <summary>One byte range (<c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>); null to send everything; Start -1 when unsatisfiable. Video players need this to seek.</summary>
    private static (long Start, long Length)? RangeOf(HttpRequest request, long total)
    {
        var header = request.Headers.Range.ToString();
        if (!RangeHeaderValue.TryParse(header, out var parsed) || !"bytes".Equals(parsed.Unit.Value, StringComparison.OrdinalIgnoreCase) || parsed.Ranges.Count != 1)
        {
            return null;
        }

        var range = parsed.Ranges.First();
        long start, end;
        if (range.From is { } from)
        {
            start = from;
            end = Math.Min(range.To ?? (total - 1), total - 1);
        }
        else if (range.To is { } suffix && suffix > 0)
        {
            start = Math.Max(0, total - suffix);
            end = total - 1;
        }
        else
        {
            return null;
        }

        return start >= total || end < start ? (-1, 0) : (start, end - start + 1);
    }
}
