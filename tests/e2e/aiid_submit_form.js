// The rules of AIID's "add as a new incident" form, run on yup 0.29.3 as AIID runs them.
// A transcription, in our words, of incidentSchema in site/gatsby-site/src/components/submissions/schemas.js
// and isPastDate in site/gatsby-site/src/utils/date.js (responsible-ai-collaborative/aiid at 638678f2).
// Reads a JSON array of submissions on stdin; prints, per submission, the list of yup's error messages.
const yup = require('yup');
const { parse } = require('date-fns');

const names = (label) => yup.array(yup.string().min(3, `${label} too short`).max(200, `${label} too long`));
const pastDate = (label) =>
  yup
    .string()
    .matches(/^(\+?\d{4})?\s?-?\s?(\(?\d{2}\)?)\s?-?\s?(\(?\d{2}\)?)\s?-?\s?(\?)?$/, `${label} not YYYY-MM-DD`)
    .test('past', `${label} in the future`, (value) => parse(value, 'yyyy-MM-dd', new Date()) <= new Date())
    .required(`${label} required`);

const form = yup.object().shape({
  title: yup.string().min(6, 'title too short').max(500, 'title too long').required('title required'),
  authors: names('author').required('author required'),
  submitters: names('submitter'),
  text: yup.string().min(80, 'text too short').max(50000, 'text too long').required('text required'),
  date_published: pastDate('date_published'),
  date_downloaded: pastDate('date_downloaded'),
  url: yup.string().url('url invalid').required('url required'),
  image_url: yup.string().matches(/((https?):\/\/)(\S)*$/, { message: 'image_url invalid', excludeEmptyString: true }).nullable(),
  incident_title: yup.string().nullable().min(6, 'incident_title too short').max(500, 'incident_title too long')
    .required('incident_title required'),
  developers: names('developer').required('developers required'),
  deployers: names('deployer').required('deployers required'),
  harmed_parties: names('harmed party').required('harmed_parties required'),
  implicated_systems: names('implicated system'),
  description: yup.string().nullable()
    .matches(/^.{3,}/, { excludeEmptyString: true, message: 'description too short' })
    .required('description required'),
  incident_date: yup.date().nullable().transform((curr, orig) => (orig === '' ? null : curr))
    .required('incident_date required'),
});

const submissions = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const results = submissions.map((submission) => {
  try {
    form.validateSync(submission, { abortEarly: false });
    return [];
  } catch (err) {
    return err.errors;
  }
});
process.stdout.write(JSON.stringify(results));
