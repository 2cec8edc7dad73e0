/** Field table of the `aws_cloudtrail` source (Falco's cloudtrail plugin fields plus the json plugin's). */
export { CLOUDTRAIL_FIELDS } from './fields.js';
