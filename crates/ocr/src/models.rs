//! The three PP-OCRv4 networks, embedded in the binary so that a bank's offline
//! server needs no model download, loaded once per [`crate::OcrEngine`].
//!
//! Detection and recognition use the `*_fused.onnx` forms made by
//! `scripts/optimize-ocr-models`: the same networks with each convolution's affine
//! blocks folded into its weights and the hard-swishes written as one operator, which
//! halves the number of operators and makes recognition about a third faster in rten
//! (see `data/models/ppocr-v4/NOTICE` and BENCHMARKS.md, section OCR).

use rten::{Model, ValueOrView};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;

use crate::OcrError;

static DET_MODEL: &[u8] =
    include_bytes!("../../../data/models/ppocr-v4/ch_PP-OCRv4_det_fused.onnx");
static CLS_MODEL: &[u8] =
    include_bytes!("../../../data/models/ppocr-v4/ch_ppocr_mobile_v2.0_cls_infer.onnx");
static REC_MODEL: &[u8] =
    include_bytes!("../../../data/models/ppocr-v4/ch_PP-OCRv4_rec_fused.onnx");

/// The recogniser's CTC classes: 0 is the blank, 1..=N the dictionary, N+1 a space.
pub(crate) struct Alphabet {
    symbols: Vec<String>,
}

impl Alphabet {
    fn from_metadata(text: &str) -> Self {
        let mut symbols = vec![String::new()];
        symbols.extend(
            text.split('\n')
                .map(|s| s.trim_end_matches('\r'))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        symbols.push(" ".to_owned());
        Alphabet { symbols }
    }

    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    pub fn symbol(&self, class: usize) -> &str {
        self.symbols.get(class).map(String::as_str).unwrap_or("")
    }
}

pub(crate) struct Models {
    det: Model,
    cls: Model,
    rec: Model,
    pub alphabet: Alphabet,
}

impl Models {
    pub fn load() -> Result<Models, OcrError> {
        let load = |name: &str, bytes: &'static [u8]| {
            Model::load_static_slice(bytes).map_err(|e| OcrError::model(name, e))
        };
        let det = load("检测模型", DET_MODEL)?;
        let cls = load("方向分类模型", CLS_MODEL)?;
        let rec = load("识别模型", REC_MODEL)?;
        let dictionary = rec
            .metadata()
            .fields()
            .find(|(key, _)| *key == "character")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| OcrError::Model("识别模型缺少字典（character）".into()))?;
        let alphabet = Alphabet::from_metadata(&dictionary);
        Ok(Models {
            det,
            cls,
            rec,
            alphabet,
        })
    }

    /// Detection: `[1, 3, H, W]` in, probability map `[1, 1, H, W]` out.
    pub fn detect(
        &self,
        input: Vec<f32>,
        height: usize,
        width: usize,
    ) -> Result<Vec<f32>, OcrError> {
        let out = run(&self.det, "检测模型", [1, 3, height, width], input)?;
        if out.shape() != [1, 1, height, width] {
            return Err(OcrError::Model(format!(
                "检测模型输出形状异常：{:?}",
                out.shape()
            )));
        }
        Ok(out.into_data())
    }

    /// Angle classification: `[N, 3, 48, W]` in, `[N, 2]` probabilities of 0° / 180°.
    pub fn classify(
        &self,
        input: Vec<f32>,
        batch: usize,
        width: usize,
    ) -> Result<Vec<[f32; 2]>, OcrError> {
        let value = self
            .cls
            .run_one(
                ValueOrView::from(NdTensor::from_data(
                    [batch, 3, crate::crop::LINE_HEIGHT, width],
                    input,
                )),
                None,
            )
            .map_err(|e| OcrError::model("方向分类模型", e))?;
        let out: NdTensor<f32, 2> = value
            .try_into()
            .map_err(|e| OcrError::model("方向分类模型", e))?;
        if out.shape() != [batch, 2] {
            return Err(OcrError::Model(format!(
                "方向分类模型输出形状异常：{:?}",
                out.shape()
            )));
        }
        Ok(out
            .into_data()
            .chunks_exact(2)
            .map(|p| [p[0], p[1]])
            .collect())
    }

    /// Recognition: `[N, 3, 48, W]` in, `[N, T, classes]` probabilities out.
    pub fn recognize(
        &self,
        input: Vec<f32>,
        batch: usize,
        width: usize,
    ) -> Result<(Vec<f32>, usize), OcrError> {
        let value = self
            .rec
            .run_one(
                ValueOrView::from(NdTensor::from_data(
                    [batch, 3, crate::crop::LINE_HEIGHT, width],
                    input,
                )),
                None,
            )
            .map_err(|e| OcrError::model("识别模型", e))?;
        let out: NdTensor<f32, 3> = value
            .try_into()
            .map_err(|e| OcrError::model("识别模型", e))?;
        let [n, steps, classes] = out.shape();
        if n != batch || classes != self.alphabet.len() {
            return Err(OcrError::Model(format!(
                "识别模型输出形状异常：{:?}，字典 {} 类",
                out.shape(),
                self.alphabet.len()
            )));
        }
        Ok((out.into_data(), steps))
    }
}

fn run(
    model: &Model,
    name: &str,
    shape: [usize; 4],
    input: Vec<f32>,
) -> Result<NdTensor<f32, 4>, OcrError> {
    let value = model
        .run_one(ValueOrView::from(NdTensor::from_data(shape, input)), None)
        .map_err(|e| OcrError::model(name, e))?;
    value.try_into().map_err(|e| OcrError::model(name, e))
}
