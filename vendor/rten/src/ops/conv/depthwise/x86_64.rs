//! AVX2 + FMA kernel for f32 depthwise convolution.
//!
//! The generic kernel adds one kernel tap at a time to a whole output row,
//! reading the input with a stride that is only known at run time. That loop
//! does not vectorize and reads and writes the output row once per tap. This
//! kernel instead makes one zero-padded copy of each input channel, with the
//! columns split by phase (column index modulo the horizontal stride) so that
//! every tap reads contiguous input whatever the stride and dilation, and then
//! computes 64 outputs at a time in registers over all taps before storing
//! them once.

use std::arch::x86_64::{
    __m256, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_set1_ps, _mm256_storeu_ps,
};
use std::cell::RefCell;
use std::mem::MaybeUninit;

use rten_tensor::NdTensorView;
use smallvec::SmallVec;

use super::{ConvParams, DepthwiseConvKernel, GenericDepthwiseConvKernel};

/// f32 lanes in an AVX register.
const LANES: usize = 8;

/// Registers of outputs accumulated together. Eight independent accumulators
/// hide the FMA latency (two FMAs issued per cycle, each taking about four).
const TILE_REGS: usize = 8;

/// Outputs computed together.
const TILE_WIDTH: usize = TILE_REGS * LANES;

thread_local! {
    /// Scratch space for the padded copy of an input channel, reused across
    /// channels and calls on the same thread.
    static PADDED_CHANNEL: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Depthwise convolution kernel for x86-64 CPUs with AVX2 and FMA.
pub struct Avx2DepthwiseConvKernel {
    /// The portable kernel, used by `compute_row` (not called by the executor,
    /// which uses `compute_channel`).
    generic: GenericDepthwiseConvKernel,
}

impl Avx2DepthwiseConvKernel {
    /// Return the kernel if the CPU supports AVX2 and FMA.
    pub fn new() -> Option<Self> {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            Some(Avx2DepthwiseConvKernel {
                generic: GenericDepthwiseConvKernel {},
            })
        } else {
            None
        }
    }
}

/// Layout of the padded copy of one input channel.
///
/// Each of the `in_h` input rows is stored as `stride_w` phase rows of
/// `phase_width` elements. Element `j` of phase row `p` holds input column
/// `j * stride_w + p - pad_left`, or zero where that column is padding. The
/// output at column `x` then reads tap `k_x` at element `x + (k_x * dilation_x)
/// / stride_w` of phase row `(k_x * dilation_x) % stride_w`: contiguous reads
/// for consecutive outputs.
struct PaddedLayout {
    phase_width: usize,
    row_len: usize,
}

impl PaddedLayout {
    fn new(params: &ConvParams) -> Self {
        let max_offset = ((params.kernel_w - 1) * params.dilation_x) / params.stride_w;
        // Outputs are computed in whole tiles, so reads may run up to the
        // next multiple of `TILE_WIDTH` past the last output.
        let phase_width = params.out_w.next_multiple_of(TILE_WIDTH) + max_offset;
        PaddedLayout {
            phase_width,
            row_len: phase_width * params.stride_w,
        }
    }

    /// Offset of kernel column `k_x`'s input for output column 0, relative to
    /// the start of a padded row.
    fn tap_offset(&self, params: &ConvParams, k_x: usize) -> usize {
        let col = k_x * params.dilation_x;
        (col % params.stride_w) * self.phase_width + col / params.stride_w
    }

    /// Fill `padded` (length `in_h * row_len`) from the input channel.
    fn fill(&self, params: &ConvParams, image_chan: &[f32], padded: &mut [f32]) {
        let stride_w = params.stride_w;
        let in_w = params.in_row_len;
        let pad_left = params.pad_left;
        for (y, padded_row) in padded.chunks_exact_mut(self.row_len).enumerate() {
            let in_row = &image_chan[y * params.in_row_stride..][..in_w];
            for (phase, dst) in padded_row.chunks_exact_mut(self.phase_width).enumerate() {
                // Range of `j` for which `j * stride_w + phase - pad_left` is
                // a column of the input.
                let end = (in_w + pad_left)
                    .saturating_sub(phase)
                    .div_ceil(stride_w)
                    .min(self.phase_width);
                let start = pad_left.saturating_sub(phase).div_ceil(stride_w).min(end);
                dst[..start].fill(0.);
                dst[end..].fill(0.);
                if start == end {
                    continue;
                }
                let first_col = start * stride_w + phase - pad_left;
                if stride_w == 1 {
                    dst[start..end].copy_from_slice(&in_row[first_col..][..end - start]);
                } else {
                    for (d, s) in dst[start..end]
                        .iter_mut()
                        .zip(in_row[first_col..].iter().step_by(stride_w))
                    {
                        *d = *s;
                    }
                }
            }
        }
    }
}

impl DepthwiseConvKernel<f32, f32, f32> for Avx2DepthwiseConvKernel {
    fn compute_row(
        &self,
        params: &ConvParams,
        out_row: &mut [MaybeUninit<f32>],
        out_y: usize,
        out_init: f32,
        image_chan: &[f32],
        kernel_chan: NdTensorView<f32, 2>,
        input_zero: f32,
        kernel_zero: f32,
    ) {
        self.generic.compute_row(
            params,
            out_row,
            out_y,
            out_init,
            image_chan,
            kernel_chan,
            input_zero,
            kernel_zero,
        )
    }

    fn compute_channel(
        &self,
        params: &ConvParams,
        out_chan: &mut [MaybeUninit<f32>],
        out_row_stride: usize,
        out_init: f32,
        image_chan: &[f32],
        kernel_chan: NdTensorView<f32, 2>,
        _input_zero: f32,
        _kernel_zero: f32,
    ) {
        if params.out_w == 0 || params.out_h == 0 {
            return;
        }
        let layout = PaddedLayout::new(params);
        let weights: SmallVec<[f32; 49]> = kernel_chan.iter().copied().collect();
        let tap_offsets: SmallVec<[usize; 7]> = (0..params.kernel_w)
            .map(|k_x| layout.tap_offset(params, k_x))
            .collect();

        PADDED_CHANNEL.with_borrow_mut(|padded| {
            let len = params.in_h * layout.row_len;
            if padded.len() < len {
                padded.resize(len, 0.);
            }
            let padded = &mut padded[..len];
            layout.fill(params, image_chan, padded);

            for out_y in 0..params.out_h {
                let out_row = &mut out_chan[out_y * out_row_stride..][..params.out_w];

                // Kernel rows whose input row lies inside the image; the
                // others would multiply padding.
                let top = out_y * params.stride_h;
                let k_y_start = params
                    .pad_top
                    .saturating_sub(top)
                    .div_ceil(params.dilation_y)
                    .min(params.kernel_h);
                let k_y_end = (params.in_h + params.pad_top)
                    .saturating_sub(top)
                    .div_ceil(params.dilation_y)
                    .clamp(k_y_start, params.kernel_h);
                if k_y_start == k_y_end {
                    for x in out_row.iter_mut() {
                        x.write(out_init);
                    }
                    continue;
                }
                let first_in_y = top + k_y_start * params.dilation_y - params.pad_top;
                let last_in_y = top + (k_y_end - 1) * params.dilation_y - params.pad_top;
                debug_assert!(last_in_y < params.in_h);
                let rows = &padded[first_in_y * layout.row_len..(last_in_y + 1) * layout.row_len];

                // Safety: AVX2 and FMA are available (checked in `new`), and
                // `rows` covers every element `compute_row_avx2` reads (see
                // `PaddedLayout`).
                unsafe {
                    compute_row_avx2(
                        rows,
                        layout.row_len * params.dilation_y,
                        &weights[k_y_start * params.kernel_w..k_y_end * params.kernel_w],
                        &tap_offsets,
                        out_row,
                        out_init,
                    );
                }
            }
        });
    }
}

/// Compute one output row from the padded input rows it reads.
///
/// `rows` starts at the padded row read by the first kernel row in `weights`
/// (`weights.len() / tap_offsets.len()` kernel rows of `tap_offsets.len()`
/// taps), the next kernel row's input starting `row_step` elements later.
///
/// # Safety
///
/// The CPU must support AVX2 and FMA, and `rows` must hold every element read:
/// for each kernel row `k` and tap `t`, elements `k * row_step + tap_offsets[t]`
/// up to `out_row.len().next_multiple_of(TILE_WIDTH)` after it.
#[target_feature(enable = "avx2,fma")]
unsafe fn compute_row_avx2(
    rows: &[f32],
    row_step: usize,
    weights: &[f32],
    tap_offsets: &[usize],
    out_row: &mut [MaybeUninit<f32>],
    init: f32,
) {
    let out_w = out_row.len();
    let mut x = 0;
    while x + TILE_WIDTH <= out_w {
        unsafe {
            compute_tile_avx2::<TILE_REGS>(
                rows,
                row_step,
                weights,
                tap_offsets,
                out_row,
                x,
                TILE_WIDTH,
                init,
            )
        };
        x += TILE_WIDTH;
    }
    // The last, partial tile: half a tile when that is enough, since the
    // outputs past the end of the row are computed and discarded.
    let rest = out_w - x;
    if rest > TILE_WIDTH / 2 {
        unsafe {
            compute_tile_avx2::<TILE_REGS>(
                rows,
                row_step,
                weights,
                tap_offsets,
                out_row,
                x,
                rest,
                init,
            )
        };
    } else if rest > 0 {
        unsafe {
            compute_tile_avx2::<{ TILE_REGS / 2 }>(
                rows,
                row_step,
                weights,
                tap_offsets,
                out_row,
                x,
                rest,
                init,
            )
        };
    }
}

/// Compute `REGS * LANES` outputs starting at column `x` of the output row
/// and store the first `n` of them.
///
/// # Safety
///
/// As for [`compute_row_avx2`], and `x + n <= out_row.len()`.
#[inline]
#[target_feature(enable = "avx2,fma")]
unsafe fn compute_tile_avx2<const REGS: usize>(
    rows: &[f32],
    row_step: usize,
    weights: &[f32],
    tap_offsets: &[usize],
    out_row: &mut [MaybeUninit<f32>],
    x: usize,
    n: usize,
    init: f32,
) {
    debug_assert!(x + n <= out_row.len());
    let k_w = tap_offsets.len();
    let k_rows = weights.len() / k_w;
    let rows = rows.as_ptr();

    let mut acc: [__m256; REGS] = [_mm256_set1_ps(init); REGS];
    for k_y in 0..k_rows {
        let row = unsafe { rows.add(k_y * row_step + x) };
        for k_x in 0..k_w {
            let (weight, offset) = unsafe {
                (
                    *weights.get_unchecked(k_y * k_w + k_x),
                    *tap_offsets.get_unchecked(k_x),
                )
            };
            let weight = _mm256_set1_ps(weight);
            let src = unsafe { row.add(offset) };
            for (i, acc) in acc.iter_mut().enumerate() {
                let v = unsafe { _mm256_loadu_ps(src.add(i * LANES)) };
                *acc = _mm256_fmadd_ps(v, weight, *acc);
            }
        }
    }

    let out_ptr = unsafe { (out_row.as_mut_ptr() as *mut f32).add(x) };
    if n == REGS * LANES {
        for (i, acc) in acc.iter().enumerate() {
            unsafe { _mm256_storeu_ps(out_ptr.add(i * LANES), *acc) };
        }
    } else {
        let mut tile = [[0f32; LANES]; REGS];
        for (dst, acc) in tile.iter_mut().zip(acc) {
            unsafe { _mm256_storeu_ps(dst.as_mut_ptr(), acc) };
        }
        unsafe { std::ptr::copy_nonoverlapping(tile.as_ptr() as *const f32, out_ptr, n) };
    }
}
