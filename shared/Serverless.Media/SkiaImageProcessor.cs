using Serverless.Core.Media;
using SkiaSharp;

namespace Serverless.Media;

/// <summary>
/// Images with SkiaSharp: decodes JPEG, PNG, GIF (first frame) and WebP (HEIC and AVIF are not
/// decoded by SkiaSharp's Linux build, so uploads of them are refused), applies the EXIF
/// orientation, scales to Mastodon's bounds and re-encodes. Re-encoding writes pixels only, so
/// EXIF, GPS and XMP tags are gone from every served copy.
/// </summary>
/// <remarks>
/// Formats: JPEG stays JPEG, PNG stays PNG (keeping transparency), WebP stays WebP, a still GIF
/// becomes PNG (as Mastodon's GIF transcoder does). An animated GIF is kept as a GIF with its
/// metadata blocks removed, type <c>image</c>: Mastodon turns it into an MP4 of type
/// <c>gifv</c>, which needs a video encoder we do not have, and clients play <c>gifv</c> in a
/// video element, where a GIF would not play. Its preview is the first frame, as PNG.
/// </remarks>
public sealed class SkiaImageProcessor : IImageProcessor
{
    private const int JpegQuality = 90;
    private const int WebpQuality = 90;

    /// <summary>The blurhash is computed on at most this many pixels: more change nothing visible.</summary>
    private const long BlurhashPixels = 64 * 64;

    public ProcessedImage Process(Stream source, SniffedMedia format)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(format);
        var bytes = ReadAll(source);
        using var data = SKData.CreateCopy(bytes);
        using var codec = Open(data);
        var (orientedWidth, orientedHeight) = Oriented(codec.Info.Width, codec.Info.Height, codec.EncodedOrigin);
        var animated = false;
        byte[]? gif = null;
        if (format == MediaSniffer.Gif)
        {
            var (stripped, frames) = GifFile.StripMetadata(bytes);
            animated = frames > 1;
            gif = stripped;
        }

        var target = animated ? (orientedWidth, orientedHeight) : ImageLimits.Fit(orientedWidth, orientedHeight, ImageLimits.OriginalPixels);
        using var decoded = Decode(codec, target, orientedWidth);
        var outputFormat = format == MediaSniffer.Jpeg ? SKEncodedImageFormat.Jpeg : format == MediaSniffer.WebP ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Png;

        ProcessedRendition file;
        if (animated)
        {
            file = new ProcessedRendition(gif!, MediaSniffer.Gif.ContentType, MediaSniffer.Gif.Extension, orientedWidth, orientedHeight, null);
        }
        else
        {
            using var web = Render(decoded, codec.EncodedOrigin, target.Item1, target.Item2);
            file = Encode(web, outputFormat, null);
        }

        var small = ImageLimits.Fit(orientedWidth, orientedHeight, ImageLimits.SmallPixels);
        using var preview = Render(decoded, codec.EncodedOrigin, small.Width, small.Height);
        return new ProcessedImage(file, Encode(preview, outputFormat, Blurhash(preview)), animated);
    }

    public ProcessedRendition ProcessThumbnail(Stream source, SniffedMedia format)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(format);
        using var data = SKData.CreateCopy(ReadAll(source));
        using var codec = Open(data);
        var (orientedWidth, orientedHeight) = Oriented(codec.Info.Width, codec.Info.Height, codec.EncodedOrigin);
        var small = ImageLimits.Fit(orientedWidth, orientedHeight, ImageLimits.SmallPixels);
        using var decoded = Decode(codec, small, orientedWidth);
        using var preview = Render(decoded, codec.EncodedOrigin, small.Width, small.Height);
        var outputFormat = format == MediaSniffer.Jpeg ? SKEncodedImageFormat.Jpeg : format == MediaSniffer.WebP ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Png;
        return Encode(preview, outputFormat, Blurhash(preview));
    }

    /// <summary>Width and height as displayed: EXIF orientations 5–8 turn the image a quarter.</summary>
    public static (int Width, int Height) Oriented(int width, int height, SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom
            ? (height, width)
            : (width, height);

    /// <summary>The matrix that maps a stored image (<paramref name="width"/> × <paramref name="height"/>) to its displayed orientation.</summary>
    public static SKMatrix OrientationMatrix(SKEncodedOrigin origin, float width, float height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static byte[] ReadAll(Stream source)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > ImageLimits.ImageBytes)
            {
                throw new MediaProcessingException("The image is larger than 16 MB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static SKCodec Open(SKData data)
    {
        var codec = SKCodec.Create(data) ?? throw new MediaProcessingException("The image could not be decoded.");
        var info = codec.Info;
        var pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0 || pixels > ImageLimits.MaxPixels || (codec.EncodedFormat == SKEncodedImageFormat.Gif && pixels > ImageLimits.MaxGifPixels))
        {
            codec.Dispose();
            throw new MediaProcessingException($"{info.Width}x{info.Height} images are not supported.");
        }

        return codec;
    }

    /// <summary>
    /// Decodes the (first frame of the) image into sRGB, letting the codec scale down on the way
    /// (JPEG decodes at 1/2, 1/4, 1/8 for free) while staying at least as large as <paramref name="target"/>.
    /// </summary>
    private static SKBitmap Decode(SKCodec codec, (int Width, int Height) target, int orientedWidth)
    {
        var info = codec.Info;
        var size = new SKSizeI(info.Width, info.Height);
        var scale = (float)target.Width / orientedWidth;
        if (scale < 1)
        {
            var scaled = codec.GetScaledDimensions(scale);
            var (scaledWidth, scaledHeight) = Oriented(scaled.Width, scaled.Height, codec.EncodedOrigin);
            if (scaledWidth >= target.Width && scaledHeight >= target.Height && scaled.Width > 0 && scaled.Height > 0)
            {
                size = scaled;
            }
        }

        var alpha = info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new MediaProcessingException($"The image could not be decoded ({result}).");
        }

        return bitmap;
    }

    /// <summary>Draws the decoded image turned upright and scaled to <paramref name="width"/> × <paramref name="height"/>.</summary>
    private static SKBitmap Render(SKBitmap decoded, SKEncodedOrigin origin, int width, int height)
    {
        var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, decoded.AlphaType, SKColorSpace.CreateSrgb()));
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.Transparent);
        var (orientedWidth, orientedHeight) = Oriented(decoded.Width, decoded.Height, origin);
        var matrix = SKMatrix.CreateScale((float)width / orientedWidth, (float)height / orientedHeight)
            .PreConcat(OrientationMatrix(origin, decoded.Width, decoded.Height));
        canvas.SetMatrix(matrix);
        using var image = SKImage.FromBitmap(decoded);
        using var paint = new SKPaint { IsAntialias = true };
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        canvas.Flush();
        return target;
    }

    private static ProcessedRendition Encode(SKBitmap bitmap, SKEncodedImageFormat format, string? blurhash)
    {
        var quality = format switch
        {
            SKEncodedImageFormat.Jpeg => JpegQuality,
            SKEncodedImageFormat.Webp => WebpQuality,
            _ => 100,
        };
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality) ?? throw new MediaProcessingException($"The image could not be encoded as {format}.");
        var (contentType, extension) = format switch
        {
            SKEncodedImageFormat.Jpeg => (MediaSniffer.Jpeg.ContentType, MediaSniffer.Jpeg.Extension),
            SKEncodedImageFormat.Webp => (MediaSniffer.WebP.ContentType, MediaSniffer.WebP.Extension),
            _ => (MediaSniffer.Png.ContentType, MediaSniffer.Png.Extension),
        };
        return new ProcessedRendition(data.ToArray(), contentType, extension, bitmap.Width, bitmap.Height, blurhash);
    }

    /// <summary>Mastodon's 4 × 4 blurhash of the preview, computed on a copy of at most 64 × 64 pixels.</summary>
    private static string Blurhash(SKBitmap preview)
    {
        var (width, height) = ImageLimits.Fit(preview.Width, preview.Height, BlurhashPixels);
        using var small = width == preview.Width && height == preview.Height ? preview.Copy() : preview.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, preview.AlphaType), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return BlurHash.Encode(small.GetPixelSpan(), small.Width, small.Height, small.RowBytes);
    }
}
