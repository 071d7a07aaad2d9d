"""Resource limits for hostile or accidental input (documented in docs/ingest.md).

Every limit turns into a clear `Document.errors` entry (or a warning when the input was merely cut), never
a hang or an out-of-memory kill: the batch job runs over millions of crawled files, some of them junk.
"""

MAX_INPUT_BYTES = 50 * 1024 * 1024  # a file or upload larger than this is refused before it is read
MAX_EXTRACTED_CHARS = 2_000_000  # body text is cut here (warning `truncated_text`); ~1,000 printed pages
MAX_HTML_BYTES = 20 * 1024 * 1024  # HTML larger than this is refused (lxml trees cost ~10x the bytes)
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024  # total decompressed size of a .docx (zip-bomb guard)
MAX_DOCX_MEMBERS = 2_000  # entries in a .docx zip
MAX_DOCX_XML_BYTES = 30 * 1024 * 1024  # one XML part (word/document.xml): python-docx holds ~10x this in memory
MAX_DOCX_RATIO = 200  # a member decompressing to more than 200x its compressed size is a bomb
MAX_PDF_PAGES = 300  # pages read from a PDF (warning when there are more)
PDF_TIME_LIMIT_S = 20.0  # the PDF reader (a child process) is killed after this; the pages read are kept
PDF_MEMORY_BYTES = 1024 * 1024 * 1024  # address space the PDF reader may add to what the process already maps
MAX_TRAFILATURA_CHARS = 2 * 1024 * 1024  # larger pages skip trafilatura (~0.5 s/MB) for the density fallback
DETECT_SAMPLE_BYTES = 64 * 1024  # bytes given to the charset detector
MAX_RECORD_FIELD_CHARS = 20_000_000  # html/text/body of a JSON record
MAX_HIDDEN_ISSUES = 10  # hidden-link/spam blocks reported per page (a hacked page can hold thousands)
