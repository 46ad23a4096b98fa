//! A company's published articles, indexed in memory for ranked search (BM25 over the three
//! layers of [`crate::terms`]). Built from the articles as they are stored and rebuilt when they
//! change: a few thousand articles index in well under a second, and every node holds its own.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, TantivyDocument, Term as IndexTerm};

use crate::article::Article;
use crate::reading::Page;
use crate::terms::{Term, terms};

/// The name the index knows our tokenizer by.
const TOKENIZER: &str = "guanjia";

/// The scope term of articles that apply in every project.
const EVERYWHERE: &str = "*";

/// A match found by search: the article (by its place in the library) and its BM25 score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub article: usize,
    pub score: f32,
}

#[derive(Debug, thiserror::Error)]
#[error("knowledge base index: {0}")]
pub struct IndexError(#[from] tantivy::TantivyError);

/// The articles and their index.
pub struct Library {
    articles: Vec<Article>,
    /// Each article's head and whole text as the bot's judgement reads them, made once here.
    readings: Vec<(Page, Page)>,
    reader: IndexReader,
    fields: Fields,
}

#[derive(Clone, Copy)]
struct Fields {
    /// Where the article is in `articles`.
    slot: Field,
    /// The title and the extra phrasings: what the article answers.
    head: Field,
    /// The answer.
    body: Field,
    /// Head and body together: how rare a term is in the whole library.
    all: Field,
    /// `*` or each project the article is written for.
    scope: Field,
}

impl Library {
    /// Indexes `articles`.
    pub fn new(articles: Vec<Article>) -> Result<Self, IndexError> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            slot: schema.add_u64_field("slot", STORED),
            head: schema.add_text_field("head", text.clone()),
            body: schema.add_text_field("body", text.clone()),
            all: schema.add_text_field("all", text),
            scope: schema.add_text_field("scope", STRING),
        };
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(TOKENIZER, TermTokenizer);
        // One indexing thread with tantivy's smallest budget: a library is small.
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (slot, article) in articles.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_u64(fields.slot, slot as u64);
            let head = article.head();
            doc.add_text(fields.head, &head);
            doc.add_text(fields.body, &article.body);
            doc.add_text(fields.all, &head);
            doc.add_text(fields.all, &article.body);
            if article.projects.is_empty() {
                doc.add_text(fields.scope, EVERYWHERE);
            }
            for project in &article.projects {
                doc.add_text(fields.scope, project);
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let readings = articles
            .iter()
            .map(|a| {
                let head = a.head();
                let all = format!("{head}\n{}", a.body);
                (Page::new(&head), Page::new(&all))
            })
            .collect();
        Ok(Library {
            articles,
            readings,
            reader,
            fields,
        })
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The `limit` best articles for `text` among those that apply in `project` (company-wide
    /// ones and the project's own; `None`: every article), best first. What a question says in
    /// its head (title, phrasings) counts three times what it says in a body.
    pub fn search(
        &self,
        text: &str,
        project: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>, IndexError> {
        let mut seen = std::collections::HashSet::new();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in terms(text) {
            if !seen.insert(term.text.clone()) {
                continue;
            }
            for (field, boost) in [(self.fields.head, 3.0), (self.fields.body, 1.0)] {
                let query = TermQuery::new(
                    IndexTerm::from_field_text(field, &term.text),
                    IndexRecordOption::WithFreqs,
                );
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), boost)),
                ));
            }
        }
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        if let Some(project) = project {
            let scope = [EVERYWHERE, project]
                .into_iter()
                .map(|s| -> (Occur, Box<dyn Query>) {
                    let term = IndexTerm::from_field_text(self.fields.scope, s);
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(scope))));
        }
        let searcher = self.reader.searcher();
        let found = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit).order_by_score(),
        )?;
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(slot) = doc.get_first(self.fields.slot).and_then(|v| v.as_u64()) {
                hits.push(Hit {
                    article: slot as usize,
                    score,
                });
            }
        }
        Ok(hits)
    }

    /// The head and the whole of the article in `slot`, as the judgement reads them.
    pub(crate) fn reading(&self, slot: usize) -> (&Page, &Page) {
        let (head, all) = &self.readings[slot];
        (head, all)
    }

    /// Whether any article has `word`: as a word, or (a word jieba cut otherwise) every pair of
    /// its characters.
    pub(crate) fn knows(&self, word: &str) -> bool {
        let searcher = self.reader.searcher();
        let has = |term: String| {
            searcher
                .doc_freq(&IndexTerm::from_field_text(self.fields.all, &term))
                .is_ok_and(|n| n > 0)
        };
        if has(format!("w:{word}")) {
            return true;
        }
        let chars: Vec<char> = word.chars().collect();
        chars.len() > 1 && chars.windows(2).all(|p| has(format!("b:{}{}", p[0], p[1])))
    }

    /// How much naming `concept` tells one article from another, 0–1: 1 when no article names
    /// it, near 0 when every one does.
    pub(crate) fn concept_rarity(&self, concept: &str) -> f32 {
        let searcher = self.reader.searcher();
        let n = searcher.num_docs() as f32;
        let df = searcher
            .doc_freq(&IndexTerm::from_field_text(
                self.fields.all,
                &format!("c:{concept}"),
            ))
            .unwrap_or(0) as f32;
        if df == 0.0 || n == 0.0 {
            return 1.0;
        }
        ((1.0 + n / df).ln() / (1.0 + n).ln()).clamp(0.0, 1.0)
    }

    /// How rare each of `terms` is in the library (its inverse document frequency, BM25's), and
    /// whether any article has it at all.
    pub fn rarity(&self, terms: &[&str]) -> Result<(Vec<f32>, Vec<bool>), IndexError> {
        let searcher = self.reader.searcher();
        let n = searcher.num_docs() as f32;
        let mut rarity = Vec::with_capacity(terms.len());
        let mut known = Vec::with_capacity(terms.len());
        for term in terms {
            let df = searcher.doc_freq(&IndexTerm::from_field_text(self.fields.all, term))? as f32;
            rarity.push((1.0 + (n - df + 0.5) / (df + 0.5)).ln());
            known.push(df > 0.0);
        }
        Ok((rarity, known))
    }
}

/// tantivy's view of [`terms`]: every term of a text as a token.
#[derive(Clone)]
struct TermTokenizer;

struct Terms {
    terms: std::vec::IntoIter<Term>,
    token: Token,
}

impl Tokenizer for TermTokenizer {
    type TokenStream<'a> = Terms;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Terms {
        Terms {
            terms: terms(text).into_iter(),
            token: Token::default(),
        }
    }
}

impl TokenStream for Terms {
    fn advance(&mut self) -> bool {
        let Some(term) = self.terms.next() else {
            return false;
        };
        let position = self.token.position.wrapping_add(1);
        self.token = Token {
            offset_from: term.from,
            offset_to: term.to,
            position,
            text: term.text,
            position_length: 1,
        };
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
