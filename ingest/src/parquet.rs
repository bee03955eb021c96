//! Checks on an untrusted Parquet file before polars decodes it.
//!
//! polars sizes its buffers from counts the file declares (list lengths in the footer, value
//! counts in page headers) before it checks them. A damaged count becomes a request for
//! gigabytes or exabytes, and a failed allocation aborts the process rather than failing, so
//! no guard around the decoder can turn it into an error. These checks read the same
//! structures first, bounding every count by the bytes that could hold it.

use std::path::Path;

use polars_buffer::Buffer;

use crate::error::Error;
use crate::input;
use crate::progress::Progress;

/// Reads a Parquet file whole and checks it (see [`check`]). A file that does not start with the
/// Parquet marker is refused before it is read whole, so a file of zeros under a `.parquet` name
/// costs no memory; an empty one is [`Error::EmptyTable`].
pub(crate) fn read(path: &Path, progress: &dyn Progress) -> Result<Buffer<u8>, Error> {
    let head = input::head(path, 4)?;
    if head.is_empty() {
        return Err(Error::EmptyTable {
            path: path.to_owned(),
        });
    }
    if head != b"PAR1" {
        return Err(Error::Corrupt {
            path: path.to_owned(),
            reason: "it does not start with the Parquet marker PAR1".to_owned(),
        });
    }
    let bytes: Buffer<u8> = input::read_all(path, progress)?.into();
    check(path, &bytes)?;
    Ok(bytes)
}

/// Checks the footer's structure, then every page header of the Parquet file at `path`. A
/// problem, or a panic in polars' footer decoding on the way, is "the file is corrupt".
pub(crate) fn check(path: &Path, bytes: &Buffer<u8>) -> Result<(), Error> {
    input::guarded(|| {
        check_footer(bytes)?;
        check_page_headers(bytes)
    })
    .and_then(|checked| checked)
    .map_err(|reason| Error::Corrupt {
        path: path.to_owned(),
        reason,
    })
}

/// How deep unknown values in the footer may nest (as deep as polars skips them).
const MAX_DEPTH: u32 = 64;

/// Walks the footer (Thrift compact protocol) the way polars reads it, and checks that every
/// list declares no more elements than the bytes left could hold.
///
/// polars reads the fields it knows by their number, whatever type the bytes say they have, and
/// sizes a list's buffer from its declared length. So the walk knows the footer's schema too: a
/// known field of the wrong type is refused (polars would read it as something else), and an
/// unknown field is skipped by the type its bytes give, as polars skips it.
fn check_footer(bytes: &[u8]) -> Result<(), String> {
    let n = bytes.len();
    if n < 12 || &bytes[n - 4..] != b"PAR1" {
        return Err("it does not end with the Parquet marker PAR1".to_owned());
    }
    let mut len = [0u8; 4];
    len.copy_from_slice(&bytes[n - 8..n - 4]);
    let len = u32::from_le_bytes(len) as usize;
    let Some(start) = (n - 8).checked_sub(len) else {
        return Err(format!(
            "its footer claims {len} bytes, more than the file holds"
        ));
    };
    let mut walk = Walk {
        bytes: &bytes[start..n - 8],
        pos: 0,
        children: Vec::new(),
    };
    walk.fields(Struct::File, 0)
        .map_err(|what| format!("its footer is damaged ({what} at footer byte {})", walk.pos))?;
    let depth = schema_depth(&walk.children);
    if depth > MAX_SCHEMA_DEPTH {
        return Err(format!(
            "its schema nests columns {depth} deep; rift reads flat tables"
        ));
    }
    Ok(())
}

/// How deep the schema may nest columns: polars builds the schema tree recursively.
const MAX_SCHEMA_DEPTH: usize = 32;

/// How deep a schema nests, from each element's number of children in order (the root first):
/// the tree polars builds from the same list.
fn schema_depth(children: &[i64]) -> usize {
    let mut open: Vec<i64> = Vec::new();
    let mut deepest = 0;
    for &n in children {
        if let Some(top) = open.last_mut() {
            *top -= 1;
        }
        if n > 0 {
            open.push(n);
            deepest = deepest.max(open.len());
        }
        while open.last().is_some_and(|&top| top <= 0) {
            open.pop();
        }
    }
    deepest
}

/// The footer's structs, as polars reads them.
#[derive(Clone, Copy)]
enum Struct {
    File,
    SchemaElement,
    RowGroup,
    ColumnChunk,
    ColumnMetaData,
    Statistics,
    KeyValue,
    SortingColumn,
    /// Unions of empty structs (column orders, time units).
    UnionOfEmpty,
    LogicalType,
    Empty,
    Decimal,
    TimeOrTimestamp,
    Int,
    /// A struct polars skips: every field is skipped by its type code.
    Unknown,
}

/// A field's type, as polars reads it.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Byte,
    Varint,
    Binary,
    Struct(Struct),
    List(&'static Kind),
}

impl Kind {
    /// The compact-protocol type codes that carry this kind.
    fn carried_by(self, code: u8) -> bool {
        match self {
            Kind::Bool => code == 1 || code == 2,
            Kind::Byte => code == 3,
            Kind::Varint => (4..=6).contains(&code),
            Kind::Binary => code == 8,
            Kind::Struct(_) => code == 12,
            Kind::List(_) => code == 9,
        }
    }
}

/// The kind polars reads field `id` of `s` as; `None` for a field it skips.
fn field_kind(s: Struct, id: i16) -> Option<Kind> {
    use Kind::{Binary, Bool, Byte, List, Varint};
    const SCHEMA: Kind = Kind::Struct(Struct::SchemaElement);
    const GROUP: Kind = Kind::Struct(Struct::RowGroup);
    const KEY_VALUE: Kind = Kind::Struct(Struct::KeyValue);
    const ORDER: Kind = Kind::Struct(Struct::UnionOfEmpty);
    const CHUNK: Kind = Kind::Struct(Struct::ColumnChunk);
    const SORTING: Kind = Kind::Struct(Struct::SortingColumn);
    const VARINT: Kind = Varint;
    const BINARY: Kind = Binary;
    Some(match (s, id) {
        (Struct::File, 1 | 3) => Varint,
        (Struct::File, 2) => List(&SCHEMA),
        (Struct::File, 4) => List(&GROUP),
        (Struct::File, 5) => List(&KEY_VALUE),
        (Struct::File, 6) => Binary,
        (Struct::File, 7) => List(&ORDER),
        (Struct::SchemaElement, 1..=3 | 5..=9) => Varint,
        (Struct::SchemaElement, 4) => Binary,
        (Struct::SchemaElement, 10) => Kind::Struct(Struct::LogicalType),
        (Struct::RowGroup, 1) => List(&CHUNK),
        (Struct::RowGroup, 2 | 3 | 5..=7) => Varint,
        (Struct::RowGroup, 4) => List(&SORTING),
        (Struct::ColumnChunk, 1) => Binary,
        (Struct::ColumnChunk, 2 | 4..=7) => Varint,
        (Struct::ColumnChunk, 3) => Kind::Struct(Struct::ColumnMetaData),
        (Struct::ColumnMetaData, 1 | 4..=7 | 9..=11 | 14 | 15) => Varint,
        (Struct::ColumnMetaData, 2) => List(&VARINT),
        (Struct::ColumnMetaData, 3) => List(&BINARY),
        (Struct::ColumnMetaData, 12) => Kind::Struct(Struct::Statistics),
        (Struct::Statistics, 1 | 2 | 5 | 6) => Binary,
        (Struct::Statistics, 3 | 4) => Varint,
        (Struct::Statistics, 7 | 8) => Bool,
        (Struct::KeyValue, 1 | 2) => Binary,
        (Struct::SortingColumn, 1) => Varint,
        (Struct::SortingColumn, 2 | 3) => Bool,
        (Struct::UnionOfEmpty, 1..=3) => Kind::Struct(Struct::Empty),
        (Struct::LogicalType, 1..=4 | 6 | 11..=15) => Kind::Struct(Struct::Empty),
        (Struct::LogicalType, 5) => Kind::Struct(Struct::Decimal),
        (Struct::LogicalType, 7 | 8) => Kind::Struct(Struct::TimeOrTimestamp),
        (Struct::LogicalType, 10) => Kind::Struct(Struct::Int),
        (Struct::Decimal, 1 | 2) => Varint,
        (Struct::TimeOrTimestamp, 1) => Bool,
        (Struct::TimeOrTimestamp, 2) => Kind::Struct(Struct::UnionOfEmpty),
        (Struct::Int, 1) => Byte,
        (Struct::Int, 2) => Bool,
        _ => return None,
    })
}

/// A cursor over Thrift compact-protocol bytes.
struct Walk<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Each schema element's number of children, in order.
    children: Vec<i64>,
}

type Step = Result<(), &'static str>;

impl Walk<'_> {
    fn left(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.bytes.get(self.pos).ok_or("it ends early")?;
        self.pos += 1;
        Ok(b)
    }

    fn skip(&mut self, n: u64) -> Step {
        if n > self.left() as u64 {
            return Err("a value runs past its end");
        }
        self.pos += n as usize;
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift.min(63);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number runs on too long")
    }

    /// A list's header: its element type code and length, the length checked against the
    /// bytes left (every element the length could make polars allocate takes a byte at least).
    fn list_header(&mut self) -> Result<(u8, u64), &'static str> {
        let header = self.byte()?;
        let n = match header >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        if n > self.left() as u64 {
            return Err("a list declares more elements than bytes left");
        }
        Ok((header & 0x0f, n))
    }

    /// A field's number: the last one plus the header's delta, or written out after it.
    fn field_id(&mut self, header: u8, last: i16) -> Result<i16, &'static str> {
        match header >> 4 {
            0 => {
                let z = self.varint()?;
                i16::try_from((z >> 1) as i64 ^ -((z & 1) as i64))
                    .map_err(|_| "a field number out of range")
            }
            delta => last
                .checked_add(i16::from(delta))
                .ok_or("a field number out of range"),
        }
    }

    /// A struct's fields, up to its stop (a field type of 0).
    fn fields(&mut self, s: Struct, depth: u32) -> Step {
        if depth > MAX_DEPTH {
            return Err("values nest too deeply");
        }
        if matches!(s, Struct::SchemaElement) {
            self.children.push(0);
        }
        let mut last = 0i16;
        loop {
            let header = self.byte()?;
            let code = header & 0x0f;
            if code == 0 {
                return Ok(());
            }
            let id = self.field_id(header, last)?;
            match field_kind(s, id) {
                Some(kind) if !kind.carried_by(code) => {
                    return Err("a field of the wrong type");
                }
                // A boolean field's value is its type code.
                Some(Kind::Bool) => {}
                Some(Kind::Varint) if matches!(s, Struct::SchemaElement) && id == 5 => {
                    let z = self.varint()?;
                    if let Some(children) = self.children.last_mut() {
                        *children = (z >> 1) as i64 ^ -((z & 1) as i64);
                    }
                }
                Some(kind) => self.known(kind, depth)?,
                None => self.unknown(code, depth, false)?,
            }
            last = id;
        }
    }

    /// A value of a kind polars reads (a boolean only as a list element, one byte).
    fn known(&mut self, kind: Kind, depth: u32) -> Step {
        match kind {
            Kind::Bool | Kind::Byte => self.skip(1),
            Kind::Varint => self.varint().map(drop),
            Kind::Binary => {
                let n = self.varint()?;
                self.skip(n)
            }
            Kind::Struct(s) => self.fields(s, depth + 1),
            Kind::List(element) => {
                let (code, n) = self.list_header()?;
                if n > 0 && !element.carried_by(code) {
                    return Err("a list of the wrong element type");
                }
                for _ in 0..n {
                    self.known(*element, depth + 1)?;
                }
                Ok(())
            }
        }
    }

    /// A value polars skips, by the type code its bytes give, as polars skips it (booleans take
    /// no bytes, even as list elements; sets and maps are refused).
    fn unknown(&mut self, code: u8, depth: u32, element: bool) -> Step {
        if depth > MAX_DEPTH {
            return Err("values nest too deeply");
        }
        match code {
            0 if element => Err("a list of an unknown element type"),
            1 | 2 => Ok(()),
            3 => self.skip(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip(8),
            8 => {
                let n = self.varint()?;
                self.skip(n)
            }
            9 => {
                let (code, n) = self.list_header()?;
                for _ in 0..n {
                    self.unknown(code, depth + 1, true)?;
                }
                Ok(())
            }
            12 => self.fields(Struct::Unknown, depth + 1),
            _ => Err("a value of a type the reader does not skip"),
        }
    }
}

/// Reads every page header of a Parquet file, in the order polars reads them, and checks the
/// counts polars sizes its buffers from: a negative count in a damaged header would become a
/// request for exabytes, a dictionary of two billion values in a page of a few bytes a request
/// for gigabytes, and a compressed page is decompressed into a buffer of the size its header
/// declares. So every count must be one the page's bytes could hold, and what the pages
/// decompress to is bounded the way a compressed file is ([`input::MAX_RATIO`] past
/// [`input::RATIO_FLOOR`]). The check costs one pass over the headers.
fn check_page_headers(bytes: &Buffer<u8>) -> Result<(), String> {
    use polars_parquet::parquet::read::read_metadata;

    let meta = read_metadata(&mut std::io::Cursor::new(&bytes[..])).map_err(|e| e.to_string())?;
    let room = input::RATIO_FLOOR.max(input::MAX_RATIO.saturating_mul(bytes.len() as u64));
    let mut inflated = 0u64;
    let mut decoded = 0u64;
    for (g, group) in meta.row_groups.iter().enumerate() {
        for chunk in group.parquet_columns() {
            let column = chunk.descriptor().path_in_schema.join(".");
            let bad = |what: String| format!("column '{column}' in row group {g}: {what}");
            let pages = ChunkPages::of(bytes, chunk).map_err(&bad)?;
            // polars decodes every value a chunk declares into arrays of at least this many
            // bytes: a run-length encoded page can declare billions in a few bytes.
            decoded = decoded.saturating_add((pages.declared as u64).saturating_mul(pages.width));
            if decoded > room {
                return Err(bad(format!(
                    "the file's columns declare values that decode to {decoded} bytes or more (more than {}x its {} bytes, past {} MiB)",
                    input::MAX_RATIO,
                    bytes.len(),
                    input::RATIO_FLOOR >> 20
                )));
            }
            for page in pages {
                let page = page.map_err(&bad)?;
                if !page.codec_compressed {
                    continue;
                }
                if page.uncompressed > input::RATIO_FLOOR.max(page.compressed * input::MAX_RATIO) {
                    return Err(bad(format!(
                        "a page of {} bytes would decompress to {} (more than {}x its size, past {} MiB)",
                        page.compressed,
                        page.uncompressed,
                        input::MAX_RATIO,
                        input::RATIO_FLOOR >> 20
                    )));
                }
                inflated = inflated.saturating_add(page.uncompressed);
                if inflated > room {
                    return Err(bad(format!(
                        "the file's pages would decompress to {inflated} bytes or more (more than {}x its {} bytes, past {} MiB)",
                        input::MAX_RATIO,
                        bytes.len(),
                        input::RATIO_FLOOR >> 20
                    )));
                }
            }
        }
    }
    Ok(())
}

/// One page header of a column chunk, its counts checked.
struct PageSizes {
    /// Bytes the page takes in the file.
    compressed: u64,
    /// Bytes it decompresses to, as its header declares.
    uncompressed: u64,
    /// Whether the chunk's codec compresses (polars then allocates `uncompressed` bytes).
    codec_compressed: bool,
}

/// The page headers of one column chunk, read as polars reads them: a dictionary page first
/// when there is one, then data pages until they hold the values the chunk declares.
struct ChunkPages<'a> {
    bytes: &'a [u8],
    at: usize,
    end: usize,
    declared: i64,
    seen: i64,
    first: bool,
    /// Bytes one value takes at least, decoded or in a dictionary page (a `PLAIN` encoding).
    width: u64,
    codec_compressed: bool,
    done: bool,
}

impl<'a> ChunkPages<'a> {
    fn of(
        bytes: &'a [u8],
        chunk: &polars_parquet::parquet::metadata::ColumnChunkMetadata,
    ) -> Result<Self, String> {
        use polars_parquet::parquet::compression::Compression;
        use polars_parquet::parquet::schema::types::PhysicalType;

        let declared = chunk.num_values();
        if declared < 0 {
            return Err(format!("{declared} values"));
        }
        // polars reads a chunk's pages from where it starts to as far as they go: its declared
        // length is not a bound, the file's end is.
        let start = chunk.byte_range().start;
        let at = usize::try_from(start).unwrap_or(usize::MAX);
        if at > bytes.len() {
            return Err(format!(
                "its pages start at byte {start}, past the file's {} bytes",
                bytes.len()
            ));
        }
        let end = bytes.len();
        let width = match chunk.descriptor().descriptor.primitive_type.physical_type {
            // Booleans are never dictionary-encoded; a byte array is its 4-byte length at least.
            PhysicalType::Boolean => 1,
            PhysicalType::Int32 | PhysicalType::Float | PhysicalType::ByteArray => 4,
            PhysicalType::Int64 | PhysicalType::Double => 8,
            PhysicalType::Int96 => 12,
            PhysicalType::FixedLenByteArray(n) => (n as u64).max(1),
        };
        Ok(ChunkPages {
            bytes,
            at,
            end,
            declared,
            seen: 0,
            first: true,
            width,
            codec_compressed: chunk.compression() != Compression::Uncompressed,
            done: false,
        })
    }

    fn next_page(&mut self) -> Result<Option<PageSizes>, String> {
        use polars_parquet_format::thrift::protocol::TCompactInputProtocol;
        use polars_parquet_format::{PageHeader, PageType};

        let first = std::mem::take(&mut self.first);
        if self.seen >= self.declared && !(first && self.at < self.end) {
            return Ok(None);
        }
        let mut cursor = std::io::Cursor::new(&self.bytes[self.at..self.end]);
        let header = PageHeader::read_from_in_protocol(&mut TCompactInputProtocol::new(
            &mut cursor,
            self.end - self.at,
        ))
        .map_err(|e| format!("a page header at byte {} cannot be read ({e})", self.at))?;
        let (compressed, uncompressed) =
            (header.compressed_page_size, header.uncompressed_page_size);
        if compressed < 0 || uncompressed < 0 {
            return Err(format!(
                "a page header gives {compressed} bytes compressed and {uncompressed} uncompressed"
            ));
        }
        let body = self.at + cursor.position() as usize;
        let (compressed, uncompressed) = (compressed as u64, uncompressed as u64);
        if compressed > (self.end - body) as u64 {
            return Err(format!(
                "a page of {compressed} bytes at byte {body} runs past the file's end"
            ));
        }
        self.at = body + compressed as usize;
        // What the page's values are decoded from: the decompressed buffer, or the page itself.
        let holds = if self.codec_compressed {
            uncompressed
        } else {
            compressed
        };
        if header.type_ == PageType::DICTIONARY_PAGE {
            if !first {
                // polars reads a dictionary page only as a chunk's first page.
                return Err("a dictionary page after its column's first page".to_owned());
            }
            let values = header.dictionary_page_header.map_or(0, |h| h.num_values);
            if values < 0 || (values as u64).saturating_mul(self.width) > holds {
                return Err(format!(
                    "a dictionary page gives {values} values in {holds} bytes"
                ));
            }
        } else if first && self.seen >= self.declared {
            // No values to read and the first page is not a dictionary: polars reads nothing.
            return Ok(None);
        } else {
            let (values, nulls, rows) =
                match (&header.data_page_header, &header.data_page_header_v2) {
                    (Some(h), _) => (h.num_values, 0, 0),
                    (None, Some(h)) => (h.num_values, h.num_nulls, h.num_rows),
                    (None, None) => (0, 0, 0),
                };
            if values < 0 || nulls < 0 || rows < 0 || nulls > values {
                return Err(format!(
                    "a page header gives {values} values, {nulls} nulls and {rows} rows"
                ));
            }
            self.seen += i64::from(values);
            if self.seen > self.declared {
                return Err(format!(
                    "its pages hold more values than the {} it declares",
                    self.declared
                ));
            }
        }
        Ok(Some(PageSizes {
            compressed,
            uncompressed,
            codec_compressed: self.codec_compressed,
        }))
    }
}

impl Iterator for ChunkPages<'_> {
    type Item = Result<PageSizes, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let page = self.next_page().transpose();
        if !matches!(page, Some(Ok(_))) {
            self.done = true;
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::check_footer;

    /// A file of `footer` as its footer.
    fn file(footer: &[u8]) -> Vec<u8> {
        let mut f = b"PAR1".to_vec();
        f.extend_from_slice(footer);
        f.extend_from_slice(&(footer.len() as u32).to_le_bytes());
        f.extend_from_slice(b"PAR1");
        f
    }

    #[test]
    fn schema_depth_follows_the_children_counts() {
        use super::schema_depth;
        // A root of three flat columns.
        assert_eq!(schema_depth(&[3, 0, 0, 0]), 1);
        // A root holding a group of two, then a column.
        assert_eq!(schema_depth(&[2, 2, 0, 0, 0]), 2);
        // A chain of groups, one inside the other.
        assert_eq!(schema_depth(&[1; 100]), 100);
    }

    #[test]
    fn a_footer_list_longer_than_the_footer_is_refused() {
        // Field 1 (i32 version = 1), then field 2: a list of structs of 2^31 elements.
        let huge = [0x15, 0x02, 0x19, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00];
        let err = check_footer(&file(&huge)).unwrap_err();
        assert!(err.contains("more elements than bytes left"), "{err}");
        // The same list with its two elements present is fine.
        let fine = [0x15, 0x02, 0x19, 0x2c, 0x00, 0x00, 0x00];
        assert_eq!(check_footer(&file(&fine)), Ok(()));
        // A footer that claims more bytes than the file holds.
        let mut short = file(&fine);
        let n = short.len();
        short[n - 8..n - 4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(
            check_footer(&short)
                .unwrap_err()
                .contains("more than the file holds")
        );
    }
}
