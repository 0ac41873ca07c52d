using Serverless.Core.Media;
using Serverless.Media;
using SkiaSharp;

namespace Serverless.Tests.Media;

public sealed class ImageProcessingTests
{
    private readonly SkiaImageProcessor _processor = new();

    [Theory]
    [InlineData(1, 40, 20)]
    [InlineData(3, 40, 20)]
    [InlineData(6, 20, 40)]
    [InlineData(8, 20, 40)]
    public void EXIF_orientation_is_applied_and_every_tag_is_dropped(ushort orientation, int width, int height)
    {
        var jpeg = TestImages.WithExif(TestImages.Jpeg(40, 20, quality: 100), orientation);
        Assert.True(TestImages.HasApp1(jpeg));

        var result = _processor.Process(new MemoryStream(jpeg), MediaSniffer.Jpeg);

        Assert.Equal((width, height), (result.File.Width, result.File.Height));
        var served = TestImages.Inspect(result.File.Content);
        Assert.Equal((SKEncodedImageFormat.Jpeg, width, height, SKEncodedOrigin.TopLeft), (served.Format, served.Width, served.Height, served.Origin));
        Assert.False(TestImages.HasApp1(result.File.Content));
        Assert.False(TestImages.Contains(result.File.Content, "Exif"));
        Assert.False(TestImages.Contains(result.File.Content, "SecretCam"));
        Assert.False(TestImages.Contains(result.Small.Content, "Exif"));

        // The white square drawn top-left in storage is where the orientation puts it.
        var (wx, wy) = orientation switch
        {
            1 => (2, 2),
            3 => (width - 3, height - 3),
            6 => (width - 3, 2),
            _ => (2, height - 3),
        };
        var pixel = TestImages.PixelAt(result.File.Content, wx, wy);
        Assert.True(pixel.Red > 200 && pixel.Green > 200 && pixel.Blue > 200, $"expected white at {wx},{wy}, got {pixel}");
    }

    [Fact]
    public void Large_images_are_scaled_to_Mastodons_bounds_with_a_blurhash()
    {
        var result = _processor.Process(new MemoryStream(TestImages.Jpeg(4000, 3000)), MediaSniffer.Jpeg);
        Assert.Equal(ImageLimits.Fit(4000, 3000, ImageLimits.OriginalPixels), (result.File.Width, result.File.Height));
        Assert.Equal(ImageLimits.Fit(4000, 3000, ImageLimits.SmallPixels), (result.Small.Width, result.Small.Height));
        Assert.Equal((result.File.Width, result.File.Height), (TestImages.Inspect(result.File.Content).Width, TestImages.Inspect(result.File.Content).Height));
        Assert.Equal(36, result.Small.Blurhash!.Length);
    }

    [Fact]
    public void PNG_and_WebP_keep_their_format_and_a_still_GIF_becomes_PNG()
    {
        Assert.Equal("image/png", _processor.Process(new MemoryStream(TestImages.Png(30, 20)), MediaSniffer.Png).File.ContentType);
        Assert.Equal("image/webp", _processor.Process(new MemoryStream(TestImages.WebP(30, 20)), MediaSniffer.WebP).File.ContentType);
        var gif = _processor.Process(new MemoryStream(TestImages.Gif(30, 20, 2)), MediaSniffer.Gif);
        Assert.False(gif.Animated);
        Assert.Equal("image/png", gif.File.ContentType);
        Assert.Equal(SKColors.Blue, TestImages.PixelAt(gif.File.Content, 10, 10));
    }

    [Fact]
    public void An_animated_GIF_is_kept_as_a_GIF_without_its_metadata_blocks()
    {
        var original = TestImages.Gif(30, 20, 0, 1, 2);
        Assert.True(TestImages.Contains(original, "SecretComment"));

        var result = _processor.Process(new MemoryStream(original), MediaSniffer.Gif);

        Assert.True(result.Animated);
        Assert.Equal(("image/gif", 30, 20), (result.File.ContentType, result.File.Width, result.File.Height));
        Assert.False(TestImages.Contains(result.File.Content, "SecretComment"));
        Assert.False(TestImages.Contains(result.File.Content, "SecretXmp"));
        Assert.True(TestImages.Contains(result.File.Content, "NETSCAPE2.0"));
        Assert.Equal(3, TestImages.Inspect(result.File.Content).Frames);
        Assert.Equal("image/png", result.Small.ContentType);
        Assert.Equal(SKColors.Red, TestImages.PixelAt(result.Small.Content, 5, 5));
    }

    [Fact]
    public void Files_that_do_not_decode_are_refused()
    {
        Assert.Throws<MediaProcessingException>(() => _processor.Process(new MemoryStream(TestImages.PngHeaderOnly(64, 64)), MediaSniffer.Png));
        var truncated = TestImages.Gif(30, 20, 0, 1)[..900];
        Assert.Throws<MediaProcessingException>(() => _processor.Process(new MemoryStream(truncated), MediaSniffer.Gif));
    }
}
