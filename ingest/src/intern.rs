//! Names as dense ids: the pairing store and the timeline builder keep nodes and flows as `u32`
//! in their hot loops and turn them back into names once, at the end.

use rustc_hash::FxHashMap;

/// Interns strings: each distinct name gets the next id, from 0.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
}

impl Interner {
    /// The id of `name`, given it the first time it is seen.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), i);
        i
    }

    /// The id of `name` if it has one.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The name of id `i` (given by this interner).
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// How many names it holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether it holds no name.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Interner;

    #[test]
    fn each_name_keeps_the_id_it_was_first_given() {
        let mut i = Interner::default();
        assert_eq!((i.intern("n1"), i.intern("n2"), i.intern("n1")), (0, 1, 0));
        assert_eq!((i.get("n2"), i.get("n3")), (Some(1), None));
        assert_eq!((i.name(1), i.len()), ("n2", 2));
    }
}
